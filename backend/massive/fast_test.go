package massive

import (
	"fmt"
	"reflect"
	"testing"
)

// The scanner must read every frame it accepts exactly as encoding/json
// (the reference path) does: same events, same skips, same errors.
func FuzzScannerMatchesEncodingJSON(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSame(t, data)
	})
}

var fastSeeds = []string{
	`[{"ev":"T","sym":"AAPL","x":4,"i":"52983525029461","z":3,"p":178.23,"s":100,"c":[12,37],"t":1705853696123,"q":1063,"trfi":202,"trft":1705853696120}]`,
	`[{"ev":"Q","sym":"msft","bx":2,"bp":400.1,"bs":3,"ax":12,"ap":400.3,"as":5,"c":0,"i":[604],"t":1705853696124,"q":50385480,"z":3}]`,
	`[{"ev":"AM","sym":"NVDA","v":1200,"av":900000,"op":600,"vw":601.1,"o":600.5,"c":601.25,"h":602,"l":599.5,"a":601,"z":12,"s":1705853640000,"e":1705853700000}]`,
	` [ {"ev":"A","sym":"BRK.B","v":10,"c":410,"s":1705853699000,"e":1705853700000,"otc":false} , {"ev":"status","status":"connected","message":"Connected Successfully"} ] `,
	`[{"ev":"T","sym":"X","i":12345,"p":1e2,"s":-0,"t":01}]`,
	`[{"EV":"T","sym":"X","p":1}]`, `[{"ev":"T","Sym":"X","p":1}]`, `[{"ev":"T","sym":"X","p":null,"c":null,"i":null}]`,
	`[{"ev":"T","sym":"X","p":1,"n":"extra","ds":[1,2]}]`, `[{"ev":"T","sym":"X","p":1,"x":2147483648}]`,
	`[{"ev":"Q","sym":"X","c":1.5}]`, `[{"ev":"Q","sym":"X","c":"1","i":[1.5]}]`, `[{"ev":"T","sym":"X","c":[]}]`,
	`[{"ev":"T","sym":"X\u0041","p":1}]`, `[{"ev":"AM","sym":"X","c":"1"}]`, `[{"ev":"T","sym":"X","p":1e400}]`,
	`[{"ev":"T","sym":"X","t":123456789012345678901}]`, `[{"ev":"T","sym":"X","otc":true,"s":1.0}]`, `[]`, `[ ]`, `[{}]`, `[{},]`, `[{}] x`,
	`[{"ev":"T","sym":"X","i":"a\"b"}]`, `[{"ev":"T","sym":"X","i":{"a":1}}]`, `[{"ev":"T","sym":"X","\u212a":1}]`,
}

func checkSame(t *testing.T, data []byte) {
	t.Helper()
	var fast, ref Decoder
	ref.reference = true
	fe, fs, ferr := fast.Decode(data, nil)
	re, rs, rerr := ref.Decode(data, nil)
	if !reflect.DeepEqual(fe, re) || fs != rs || fmt.Sprint(ferr) != fmt.Sprint(rerr) {
		t.Fatalf("%q:\nscanner   %+v %d %v\nreference %+v %d %v", data, fe, fs, ferr, re, rs, rerr)
	}
}

func TestScannerMatchesEncodingJSON(t *testing.T) {
	for _, s := range fastSeeds {
		checkSame(t, []byte(s))
	}
	for _, ev := range []string{"T", "Q", "AM"} {
		checkSame(t, frameOf(ev, 20))
	}
}

// Events keep no view into the frame: the caller reuses its read buffer.
func TestDecodedEventsOutliveTheFrame(t *testing.T) {
	var d Decoder
	frame := []byte(`[{"ev":"T","sym":"AAPL","i":"abc","p":1,"c":[1,2]},{"ev":"status","status":"connected","message":"hi"}]`)
	evs, _, err := d.Decode(frame, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range frame {
		frame[i] = 'x'
	}
	if evs[0].Symbol != "AAPL" || evs[0].Trade.ID != "abc" || evs[1].Status.Status != "connected" || evs[1].Status.Message != "hi" {
		t.Fatalf("events changed with the frame: %+v", evs)
	}
	// Later frames do not overwrite what earlier events hold.
	more, _, _ := d.Decode([]byte(`[{"ev":"T","sym":"MSFT","i":"zzz","p":1,"c":[9,9]}]`), nil)
	if evs[0].Trade.ID != "abc" || evs[0].Trade.Conditions[1] != 2 || more[0].Trade.ID != "zzz" {
		t.Fatalf("a later frame overwrote an earlier event: %+v %+v", evs[0], more[0])
	}
}
