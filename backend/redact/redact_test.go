package redact

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	if got := Error(strings.Repeat("x", 900_000)); utf8.RuneCountInString(got) != MaxError+1 || !strings.HasSuffix(got, "…") {
		t.Fatalf("900 KB error clipped to %d characters", utf8.RuneCountInString(got))
	}
	if got := Clip("ééééé", 3); got != "ééé…" {
		t.Fatalf("%q", got)
	}
	if got := Clip("short", 10); got != "short" {
		t.Fatalf("%q", got)
	}
	if got := Clip("ab\xffcd", 2); got != "ab…" || !utf8.ValidString(got) {
		t.Fatalf("%q", got)
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"redis://:hunter2@host:6379/0":                  "redis://:xxxxx@host:6379/0",
		"wss://u:S3cr3t@socket.example/stocks":          "wss://u:xxxxx@socket.example/stocks",
		"wss://socket.example/stocks?apiKey=S3cr3t&x=1": "wss://socket.example/stocks?apiKey=xxxxx&x=1",
		"https://admin:pw@tickstock.example":            "https://admin:xxxxx@tickstock.example",
		"http://[bad host:pw@x":                         "http://xxxxx@x",
		"https://plain.example/path":                    "https://plain.example/path",
		"https://ghp_T0ken@host.example/x":              "https://xxxxx@host.example/x",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURLSecretsAndScrub(t *testing.T) {
	raw := "wss://user:P%40ss-word@host/x?token=T0k3n-1&x=1"
	msg := `dial "wss://user:P@ss-word@host/x?token=T0k3n-1": refused; P%40ss-word`
	got := Scrub(msg, URLSecrets(raw)...)
	if strings.Contains(got, "P@ss-word") || strings.Contains(got, "T0k3n-1") || strings.Contains(got, "P%40ss-word") {
		t.Fatalf("%q", got)
	}
	if s := URLSecrets("http://[bad:pw-secret@x"); len(s) != 1 || !strings.Contains(s[0], "pw-secret") {
		t.Fatalf("%q", s)
	}
	if Scrub("a b c", "b") != "a b c" {
		t.Fatal("short secrets must not blank words")
	}
}

// FuzzURL: whatever the text, a password it carries never survives URL,
// and Clip keeps valid UTF-8 valid and within its length.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"redis://:pw-secret@h:1/0", "wss://u:p@h/x?apiKey=k", "http://[::1]:80", "://@", "a@b@c", "https://tok@h", "é://x:y@z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := URL(raw)
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			if pw, ok := u.User.Password(); ok && len(pw) >= 4 && strings.Contains(got, ":"+url.UserPassword("x", pw).String()[2:]+"@") {
				t.Fatalf("URL(%q) = %q keeps the password", raw, got)
			}
		}
		if utf8.ValidString(raw) {
			c := Clip(raw, 16)
			if !utf8.ValidString(c) || utf8.RuneCountInString(c) > 17 {
				t.Fatalf("Clip(%q) = %q", raw, c)
			}
		}
	})
}

// Issue 25 item 4: a hostile server's or provider's text set the terminal's
// title and rewrote the status line (ESC]0;…, ESC[2K\r…connected (all good)).
func TestTextDropsControlCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, ünïcode ✓":                     "plain text, ünïcode ✓",
		"\x1b]0;pwned\x07title":                     "]0;pwnedtitle",
		"bad\x1b[2K\rconnected (all good)":          "bad[2K connected (all good)",
		"two\nlines\tand a tab":                     "two lines and a tab",
		"c1 \u009b31m csi, del \x7f":                "c1 31m csi, del ",
		"raw byte \x9b2J":                           "raw byte \ufffd2J",
		"bidi \u202eevil\u202c \u2066x\u2069 order": "bidi evil x order",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Error("\x1b]0;x\x07" + strings.Repeat("y", 1000)); strings.ContainsRune(got, 0x1b) || len([]rune(got)) > MaxError+1 {
		t.Errorf("Error kept a control character or the length: %q", got)
	}
}

// Issue 25 item 10: 150k unknown connection IDs made a 2.1 MB line.
func TestLineAndListAreBounded(t *testing.T) {
	ids := make([]string, 150_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("connection_%d\x1b[2K", i+4)
	}
	l := List(ids, 5)
	if !strings.HasSuffix(l, `"connection_8[2K" (+149995 more)`) || strings.ContainsRune(l, 0x1b) {
		t.Errorf("List = %q", l)
	}
	if got := Line(strings.Repeat("x", 3<<20)); len(got) > MaxLine+len("…") {
		t.Errorf("Line kept %d bytes", len(got))
	}
}

// Issue 25 items 4 and 10: every log line is bounded and free of control
// characters, whatever text an attribute carries.
func TestLogHandlerClipsEveryText(t *testing.T) {
	var buf strings.Builder
	log := slog.New(LogHandler(slog.NewTextHandler(&buf, nil))).With("peer", "\x1b]0;x\x07")
	log.Warn(strings.Repeat("w", 3<<20), "err", errors.New("bad\x1b[2K\r"+strings.Repeat("e", 1<<20)), "keys", strings.Repeat("k", 1<<20))
	if buf.Len() > 4*MaxLine || strings.Contains(buf.String(), `\x1b`) || strings.ContainsRune(buf.String(), 0x1b) {
		t.Fatalf("%d bytes: %.300q", buf.Len(), buf.String())
	}
}
