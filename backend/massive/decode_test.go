package massive

import (
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/tickstock/monitor/backend/ticks"
)

func TestDecodeStatusAndMarketEvents(t *testing.T) {
	frame := `[{"ev":"status","status":"connected","message":"Connected Successfully"},
	 {"ev":"T","sym":"AAPL","x":4,"i":"52983525029461","z":3,"p":178.23,"s":100,"c":[12,37],"t":1705853696123,"q":1063,"trfi":202,"trft":1705853696120},
	 {"ev":"Q","sym":"msft","bx":2,"bp":400.1,"bs":3,"ax":12,"ap":400.3,"as":5,"c":0,"i":[604],"t":1705853696124,"q":50385480,"z":3},
	 {"ev":"AM","sym":"NVDA","v":1200,"av":900000,"op":600,"vw":601.1,"o":600.5,"c":601.25,"h":602,"l":599.5,"a":601,"z":12,"s":1705853640000,"e":1705853700000},
	 {"ev":"A","sym":"BRK.B","v":10,"c":410,"s":1705853699000,"e":1705853700000,"otc":false}]`
	evs, skipped, err := DecodeFrame([]byte(frame), nil)
	if err != nil || skipped != 0 || len(evs) != 5 {
		t.Fatalf("events %d skipped %d err %v", len(evs), skipped, err)
	}
	if evs[0].Kind != KindStatus || evs[0].Status.Status != ProviderConnected {
		t.Errorf("status event %+v", evs[0])
	}
	tr := evs[1].Trade
	if evs[1].Symbol != "AAPL" || tr.Price != 178.23 || tr.Size != 100 || tr.ID != "52983525029461" || len(tr.Conditions) != 2 || tr.TRFID != 202 {
		t.Errorf("trade %+v", evs[1])
	}
	if evs[2].Symbol != "MSFT" || len(evs[2].Quote.Indicators) != 1 {
		t.Errorf("quote %+v", evs[2])
	}
	ticksWant := []struct {
		price  float64
		volume int64
		ts     int64
	}{{178.23, 100, 1705853696123}, {400.2, 8, 1705853696124}, {601.25, 1200, 1705853700000}, {410, 10, 1705853700000}}
	for i, w := range ticksWant {
		p, v, ts, ok := evs[i+1].Tick()
		if !ok || v != w.volume || ts != w.ts || p < w.price-1e-9 || p > w.price+1e-9 {
			t.Errorf("event %d Tick() = %v %v %v %v, want %+v", i+1, p, v, ts, ok, w)
		}
	}
	if _, _, _, ok := evs[0].Tick(); ok {
		t.Error("a status event must not be a tick")
	}
}

func TestDecodeKeepsGoodEventsOfAPartlyBadFrame(t *testing.T) {
	frame := `[{"ev":"T","sym":"AAPL","p":1,"s":1,"t":1},{"ev":"T","sym":"MSFT","p":"NaN","s":1},{"ev":"AM","sym":"X","c":-1,"s":0},{"ev":"T","sym":"IBM","p":2,"s":3,"t":4}]`
	evs, skipped, err := DecodeFrame([]byte(frame), nil)
	if len(evs) != 2 || skipped != 2 || err == nil {
		t.Fatalf("events %d skipped %d err %v", len(evs), skipped, err)
	}
	if evs[0].Symbol != "AAPL" || evs[1].Symbol != "IBM" {
		t.Errorf("kept %q %q", evs[0].Symbol, evs[1].Symbol)
	}
}

func TestDecodeRejectsHostileFrames(t *testing.T) {
	cases := map[string]string{
		"not an array":  `{"ev":"status"}`,
		"not json":      `garbage{`,
		"empty":         ``,
		"string":        `"x"`,
		"invalid utf-8": "[{\"ev\":\"T\",\"sym\":\"\xff\xfe\"}]",
		"deep nesting":  "[" + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "]",
		"oversized":     "[" + strings.Repeat(" ", MaxFrameSize) + "]",
		"truncated":     `[{"ev":"T","sym":"AAPL","p":1`,
	}
	for name, frame := range cases {
		evs, _, err := DecodeFrame([]byte(frame), nil)
		if err == nil || len(evs) != 0 {
			t.Errorf("%s: events %d err %v", name, len(evs), err)
		}
	}
}

func TestDecodeSkipsBadEvents(t *testing.T) {
	cases := []string{
		`[{"sym":"AAPL","p":1}]`,                          // no ev
		`[{"ev":"ZZ","sym":"AAPL"}]`,                      // unknown ev
		`[{"ev":"T","sym":"","p":1}]`,                     // no symbol
		`[{"ev":"T","sym":"WAY_TOO_LONG_SYMBOL","p":1}]`,  // bad symbol
		`[{"ev":"T","sym":"AAPL","p":1e999}]`,             // overflow
		`[{"ev":"T","sym":"AAPL","p":-5,"s":1}]`,          // negative price
		`[{"ev":"T","sym":"AAPL","p":5,"s":-1}]`,          // negative size
		`[{"ev":"T","sym":"AAPL","p":5,"s":1e300}]`,       // absurd size
		`[{"ev":"T","sym":"AAPL","p":5,"t":-1}]`,          // negative time
		`[{"ev":"T","sym":"AAPL","p":5,"c":"x"}]`,         // conditions of the wrong type
		`[{"ev":"T","sym":"AAPL","p":5,"i":{"a":1}}]`,     // id of the wrong type
		`[{"ev":"AM","sym":"AAPL","v":1}]`,                // no close
		`[{"ev":"AM","sym":"AAPL","c":"1"}]`,              // close as a string
		`[{"ev":"AM","sym":"AAPL","c":1,"s":1.5}]`,        // fractional start
		`[{"ev":"Q","sym":"AAPL","bp":1,"ap":-2}]`,        // negative ask
		`[{"ev":"Q","sym":"AAPL","bp":1,"ap":2,"i":"x"}]`, // indicators wrong type
		`[{"ev":"T","sym":5}]`,                            // symbol of the wrong type
		`[17]`,                                            // not an object
	}
	for _, frame := range cases {
		evs, skipped, err := DecodeFrame([]byte(frame), nil)
		if len(evs) != 0 || skipped != 1 || err == nil {
			t.Errorf("%s: events %d skipped %d err %v", frame, len(evs), skipped, err)
		}
	}
}

func TestErrorsClipHostileText(t *testing.T) {
	long := strings.Repeat("A", 5000)
	_, _, err := DecodeFrame([]byte(`[{"ev":"`+long+`"}]`), nil)
	if err == nil || len(err.Error()) > 200 {
		t.Fatalf("error of %d bytes: %v", len(err.Error()), err)
	}
}

func TestEncodeActions(t *testing.T) {
	if got := string(Auth(`k"ey`)); got != `{"action":"auth","params":"k\"ey"}` {
		t.Errorf("Auth = %s", got)
	}
	if got := string(Subscribe(Channels("AM", []string{"AAPL", "MSFT"}))); got != `{"action":"subscribe","params":"AM.AAPL,AM.MSFT"}` {
		t.Errorf("Subscribe = %s", got)
	}
	if got := string(Unsubscribe([]string{"T.X"})); got != `{"action":"unsubscribe","params":"T.X"}` {
		t.Errorf("Unsubscribe = %s", got)
	}
	a, err := ParseAction(Subscribe([]string{"Q.A"}))
	if err != nil || a.Action != "subscribe" || a.Params != "Q.A" {
		t.Errorf("ParseAction = %+v %v", a, err)
	}
}

func TestChunkBoundsEveryMessage(t *testing.T) {
	var chans []string
	for i := 0; i < 500; i++ {
		chans = append(chans, "AM.T"+strings.Repeat("X", i%8))
	}
	chunks := Chunk(chans, 100)
	n := 0
	for _, c := range chunks {
		if l := len(strings.Join(c, ",")); l > 100 {
			t.Fatalf("chunk of %d bytes", l)
		}
		n += len(c)
	}
	if n != 500 {
		t.Fatalf("%d channels in chunks, want 500", n)
	}
}

func FuzzDecodeFrame(f *testing.F) {
	seeds := []string{
		`[{"ev":"status","status":"connected","message":"Connected Successfully"}]`,
		`[{"ev":"T","sym":"AAPL","x":4,"i":"1","z":3,"p":178.23,"s":100,"c":[12],"t":1705853696123}]`,
		`[{"ev":"Q","sym":"MSFT","bp":1,"bs":2,"ap":3,"as":4,"c":1,"i":[1],"t":5}]`,
		`[{"ev":"AM","sym":"NVDA","v":1,"c":2,"s":3,"e":4},{"ev":"A","sym":"X","c":1}]`,
		`[{"ev":"T","sym":"AAPL","p":"NaN"}]`, `{}`, `[1,2,3]`, `[[[[`, "[\"\xff\"]",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, skipped, err := DecodeFrame(data, nil)
		if skipped > 0 && err == nil {
			t.Fatal("skipped events without an error")
		}
		for _, e := range evs {
			if e.Kind == KindStatus {
				continue
			}
			if p, v, ts, ok := e.Tick(); !ok || p < 0 || v < 0 || ts < 0 || p != p {
				t.Fatalf("invalid tick accepted: %+v", e)
			}
			if s, ok := ticks.NormalizeSymbol(e.Symbol); !ok || s != e.Symbol {
				t.Fatalf("invalid symbol accepted: %q", e.Symbol)
			}
		}
	})
}

// A reused Decoder must not leak fields of one frame's events into the next.
func TestDecoderReuseDoesNotLeakFields(t *testing.T) {
	var d Decoder
	if _, _, err := d.Decode([]byte(`[{"ev":"T","sym":"AAPL","p":5,"s":7,"c":[1],"i":"x","t":9}]`), nil); err != nil {
		t.Fatal(err)
	}
	evs, _, err := d.Decode([]byte(`[{"ev":"T","sym":"MSFT","p":6}]`), nil)
	if err != nil || len(evs) != 1 {
		t.Fatal(err)
	}
	if tr := evs[0].Trade; tr.Size != 0 || tr.Conditions != nil || tr.ID != "" || tr.Timestamp != 0 {
		t.Fatalf("fields leaked from the previous frame: %+v", tr)
	}
}

// Defect 5: one 1 MiB frame of tiny events grew the scratch to ~100 MB and
// every later frame cleared all of it (RSS 17 → 239 MB, both cores busy).
func TestDecoderScratchShrinksAfterAHugeFrame(t *testing.T) {
	var d Decoder
	huge := make([]byte, 0, MaxFrameSize)
	huge = append(huge, '[')
	for len(huge) < MaxFrameSize-3 {
		huge = append(huge, "{},"...)
	}
	huge[len(huge)-1] = ']'
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	evs, skipped, err := d.Decode(huge, nil)
	runtime.ReadMemStats(&after)
	// Issue 25 item 8: this frame cost ~350 MB of RSS (the scratch grew to
	// 349,523 elements) and added 349,523 to the error counter.
	t.Logf("allocated %d MB", (after.TotalAlloc-before.TotalAlloc)>>20)
	if err == nil || len(evs) != 0 || skipped != 0 {
		t.Fatalf("huge frame: %d events, %d skipped, %v; want one error for the frame", len(evs), skipped, err)
	}
	// The fast scanner's scratch stops at MaxFrameEvents elements (~24 MB
	// allocated while growing to it, measured; ~5 MB kept at most).
	if n := after.TotalAlloc - before.TotalAlloc; n > 32<<20 {
		t.Fatalf("the huge frame allocated %d MB, want under 32 MB", n>>20)
	}
	if c := cap(d.ws); c > keepEvents {
		t.Fatalf("scratch kept %d elements (%d MB) after the huge frame, want at most %d",
			c, c*int(unsafe.Sizeof(wire{}))>>20, keepEvents)
	}
	frame := []byte(`[{"ev":"T","sym":"AAPL","p":1.5,"s":10,"t":1705853696123}]`)
	allocs := testing.AllocsPerRun(20, func() { _, _, _ = d.Decode(frame, nil) })
	evs, _, err = d.Decode(frame, nil)
	if err != nil || len(evs) != 1 || evs[0].Trade.Price != 1.5 {
		t.Fatalf("next frame: %+v %v", evs, err)
	}
	if allocs > 20 {
		t.Fatalf("a one-event frame after the huge one costs %.0f allocations", allocs)
	}
}

// The count that bounds a frame's scratch, against what the decoders find.
func TestCountElements(t *testing.T) {
	for frame, want := range map[string]int{
		`[]`: 0, ` [ ] `: 0, `[{}]`: 1, `[{},{}]`: 2, `[{"a":[1,2,{"b":","}]},{"c":"]\",["}]`: 2,
		`[{"x":"\\"},{}]`: 2, `[1,2,3]`: 3,
	} {
		if got := countElements([]byte(frame), 100); got != want {
			t.Errorf("%s: %d, want %d", frame, got, want)
		}
	}
	if got := countElements([]byte(`[{},{},{},{},{}]`), 2); got > 3 {
		t.Errorf("limit 2: counted %d", got)
	}
}
