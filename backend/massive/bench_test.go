package massive

import (
	"fmt"
	"strings"
	"testing"
)

// frameOf builds a frame of n events of kind ev.
func frameOf(ev string, n int) []byte {
	parts := make([]string, n)
	for i := range parts {
		switch ev {
		case "T":
			parts[i] = fmt.Sprintf(`{"ev":"T","sym":"SYM%d","x":4,"i":"%d","z":3,"p":178.%02d,"s":100,"c":[12,37],"t":1705853696123,"q":%d}`, i%50, i, i%100, i)
		case "Q":
			parts[i] = fmt.Sprintf(`{"ev":"Q","sym":"SYM%d","bx":2,"bp":400.1,"bs":3,"ax":12,"ap":400.3,"as":5,"c":0,"i":[604],"t":1705853696124,"q":%d,"z":3}`, i%50, i)
		default:
			parts[i] = fmt.Sprintf(`{"ev":"AM","sym":"SYM%d","v":1200,"av":900000,"op":600,"vw":601.1,"o":600.5,"c":601.%02d,"h":602,"l":599.5,"a":601,"z":12,"s":1705853640000,"e":1705853700000}`, i%50, i%100)
		}
	}
	return []byte("[" + strings.Join(parts, ",") + "]")
}

// BenchmarkDecodePerEvent reports ns/op and allocs/op per event (frames of 20).
func BenchmarkDecodePerEvent(b *testing.B) {
	for _, ev := range []string{"AM", "T", "Q"} {
		b.Run(ev, func(b *testing.B) {
			const perFrame = 20
			frame := frameOf(ev, perFrame)
			var d Decoder
			dst := make([]Event, 0, perFrame)
			b.SetBytes(int64(len(frame) / perFrame))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += perFrame {
				evs, _, err := d.Decode(frame, dst[:0])
				if err != nil || len(evs) != perFrame {
					b.Fatal(err)
				}
			}
		})
	}
}
