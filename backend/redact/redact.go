// Package redact keeps secrets and hostile sizes out of what people and
// programs see: error texts clipped to a readable length, URLs printed with
// their passwords replaced, and .env values never echoed.
//
// Every function is pure and safe for concurrent use.
package redact

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxError is the most characters of an error text kept for last_error, the
// status JSON, pushes and logs. A provider or a peer controls what it sends;
// a 900 KB "message" must not be copied into every snapshot.
const MaxError = 256

// MaxLine is the most characters of any one line the programs print or log
// from text they did not write: a list of 150,000 unknown connection IDs or
// 400,000 universe keys must not become a multi-megabyte line.
const MaxLine = 4096

// Error clips s to MaxError characters, without control characters (Text).
func Error(s string) string { return Clip(Text(s), MaxError) }

// Line is s as one printable line of at most MaxLine characters (Text, Clip).
func Line(s string) string { return Clip(Text(s), MaxLine) }

// Text returns s safe to print on a terminal or in a log line: without
// control characters, so a hostile server, provider or file cannot set the
// terminal's title, move the cursor or rewrite the line it is printed on
// (ESC]0;…, ESC[2K, CR). C0 controls, DEL, C1 controls (U+0080–U+009F)
// and the bidirectional overrides are dropped; tab, CR and LF become a
// space, so one field stays one line; bytes that are not UTF-8 (a raw 0x9B
// is a CSI to some terminals) become U+FFFD.
func Text(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case unsafeRune(r):
		default:
			b.WriteRune(r) // utf8.RuneError for invalid bytes: U+FFFD
		}
	}
	return b.String()
}

// firstUnsafe is the byte index of the first rune Text changes, -1 if none.
func firstUnsafe(s string) int {
	for i, r := range s {
		if r == utf8.RuneError || r == '\t' || r == '\n' || r == '\r' || unsafeRune(r) {
			return i
		}
	}
	return -1
}

func unsafeRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) // bidi embeddings, overrides, isolates
}

// List is at most n of items, each Text-cleaned and quoted, then how many
// more there were: "a", "b" (+149998 more).
func List(items []string, n int) string {
	var b strings.Builder
	for i, it := range items {
		if i == n {
			fmt.Fprintf(&b, " (+%d more)", len(items)-n)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(Clip(Text(it), 64)))
	}
	return b.String()
}

// Clip returns s cut to at most n characters (runes), marked with "…" when
// cut, never splitting a UTF-8 sequence.
func Clip(s string, n int) string {
	if len(s) <= n { // bytes ≥ runes: short enough
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}

// URL returns raw for printing: the password of user:password@ replaced by
// "xxxxx" (url.URL.Redacted), a user part without a password (often a
// token) replaced whole, and any query parameter whose name suggests a
// secret (key, token, password, secret, apikey) replaced too. Text that does
// not parse as a URL but has userinfo loses everything up to the last "@".
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			scheme := ""
			if j := strings.Index(raw, "://"); j >= 0 && j < i {
				scheme = raw[:j+3]
			}
			return scheme + "xxxxx@" + raw[i+1:]
		}
		return raw
	}
	if u.User != nil {
		if _, has := u.User.Password(); !has && u.User.Username() != "" {
			u.User = url.User("xxxxx") // a bare user part is often a token
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if secretName(k) {
				q[k] = []string{"xxxxx"}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.Redacted()
}

func secretName(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"key", "token", "pass", "secret", "auth", "signature", "sig"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// URLSecrets returns the secret parts of raw: the password, a user part
// without a password, and the values of secret-looking query parameters.
// Scrub removes them from texts that quote the URL in some other form.
func URLSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			userinfo := raw[:i]
			if j := strings.Index(userinfo, "://"); j >= 0 {
				userinfo = userinfo[j+3:]
			}
			return []string{userinfo}
		}
		return nil
	}
	var out []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			out = append(out, pw, url.QueryEscape(pw))
		} else if name := u.User.Username(); name != "" {
			out = append(out, name)
		}
	}
	for k, vs := range u.Query() {
		if secretName(k) {
			out = append(out, vs...)
		}
	}
	return out
}

// Scrub replaces every occurrence of each secret (of 4 characters or more:
// shorter ones would blank ordinary words) with "xxxxx".
func Scrub(s string, secrets ...string) string {
	for _, x := range secrets {
		if len(x) >= 4 {
			s = strings.ReplaceAll(s, x, "xxxxx")
		}
	}
	return s
}
