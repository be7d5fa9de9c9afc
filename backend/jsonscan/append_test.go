package jsonscan

import (
	"encoding/json"
	"testing"
)

// AppendString writes what encoding/json reads back, for the bytes Go's
// quoting gets wrong (DEL, bytes that are not UTF-8) and the ones it must
// escape.
func TestAppendStringIsJSON(t *testing.T) {
	for in, want := range map[string]string{
		"\x7f":            "\x7f",
		"a\xffb":          "a\ufffdb",
		"cut \xe2\x82":    "cut \ufffd\ufffd",
		"q\"b\\s":         "q\"b\\s",
		"tab\tnl\n\x01":   "tab\tnl\n\x01",
		"Äé€😀":            "Äé€😀",
		"\u2028 and \x00": "\u2028 and \x00",
	} {
		out := AppendString([]byte("x"), in)[1:]
		var got string
		if err := json.Unmarshal(out, &got); err != nil || got != want {
			t.Errorf("%q written as %s: read back %q, %v; want %q", in, out, got, err, want)
		}
	}
}
