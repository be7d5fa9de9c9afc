// Package ticks holds the tick record shared by every part of the pipeline and
// the rules a ticker symbol must follow.
package ticks

import "strings"

// MaxSymbolLen is the longest ticker accepted anywhere (configuration, Redis
// messages, provider frames).
const MaxSymbolLen = 12

// NormalizeSymbol upper-cases s and reports whether the result is a valid
// ticker: 1–12 characters of A–Z, 0–9, '.', ':' or '-'.
func NormalizeSymbol(s string) (string, bool) {
	if len(s) == 0 || len(s) > MaxSymbolLen {
		return "", false
	}
	up := strings.ToUpper(s)
	for i := 0; i < len(up); i++ {
		c := up[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == ':', c == '-':
		default:
			return "", false
		}
	}
	return up, true
}
