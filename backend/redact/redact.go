// Package redact keeps secrets and hostile sizes out of what people and
// programs see: error texts clipped to a readable length, URLs printed with
// their passwords replaced, and .env values never echoed.
//
// Every function is pure and safe for concurrent use.
package redact

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxError is the most characters of an error text kept for last_error, the
// status JSON, pushes and logs. A provider or a peer controls what it sends;
// a 900 KB "message" must not be copied into every snapshot.
const MaxError = 256

// Error clips s to MaxError characters.
func Error(s string) string { return Clip(s, MaxError) }

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
