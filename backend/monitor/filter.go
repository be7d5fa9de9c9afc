package monitor

import (
	"strings"
)

// SymbolFilter is the rule that picks the rows shown: one or more terms
// typed by the operator, separated by commas or spaces, case-insensitive.
// A term that is a whole ticker on a connection matches only that ticker
// ("T" shows T, not MSFT or TSLA: the one-letter tickers T, F, C, D, V can
// be isolated); any other term matches the tickers that start with it
// ("MS" shows MSFT and MSCI). The zero value lets every symbol through.
// Both the window's monitor and each browser tab's view (adminapi) use it.
type SymbolFilter struct {
	terms []filterTerm
}

type filterTerm struct {
	text  string // upper-cased
	exact bool   // a whole ticker: matches only itself
}

// maxFilterTerms bounds the terms kept from one filter text, and
// maxTermLen each term (a ticker is 1–12 characters): the filter's Text
// stays under 240 characters.
const (
	maxFilterTerms = 16
	maxTermLen     = 12
)

// ParseFilter reads what was typed; known says whether a text is a ticker
// on one of the connections (the assignment at the time of typing).
func ParseFilter(text string, known func(symbol string) bool) SymbolFilter {
	if r := []rune(text); len(r) > MaxFilterLen {
		text = string(r[:MaxFilterLen])
	}
	var f SymbolFilter
	seen := map[string]bool{}
	for _, t := range strings.FieldsFunc(strings.ToUpper(text), func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' }) {
		if r := []rune(t); len(r) > maxTermLen {
			t = string(r[:maxTermLen])
		}
		if seen[t] || len(f.terms) == maxFilterTerms {
			continue
		}
		seen[t] = true
		f.terms = append(f.terms, filterTerm{text: t, exact: known != nil && known(t)})
	}
	return f
}

// Empty reports whether the filter lets every symbol through.
func (f SymbolFilter) Empty() bool { return len(f.terms) == 0 }

// Match reports whether a row of sym is shown.
func (f SymbolFilter) Match(sym string) bool {
	if len(f.terms) == 0 {
		return true
	}
	for _, t := range f.terms {
		if sym == t.text || (!t.exact && strings.HasPrefix(sym, t.text)) {
			return true
		}
	}
	return false
}

// Text is the filter as the batches state it: its terms, upper-cased,
// separated by ", " ("" = every symbol).
func (f SymbolFilter) Text() string {
	out := make([]string, len(f.terms))
	for i, t := range f.terms {
		out[i] = t.text
	}
	return strings.Join(out, ", ")
}

// Says is what the filter matches, in words: "only T (a whole ticker)",
// "tickers starting with MS", or both joined ("" = every symbol).
func (f SymbolFilter) Says() string {
	var exact, prefix []string
	for _, t := range f.terms {
		if t.exact {
			exact = append(exact, t.text)
		} else {
			prefix = append(prefix, t.text)
		}
	}
	var parts []string
	switch len(exact) {
	case 0:
	case 1:
		parts = append(parts, "only "+exact[0]+" (a whole ticker)")
	default:
		parts = append(parts, "only "+strings.Join(exact, ", ")+" (whole tickers)")
	}
	if len(prefix) > 0 {
		parts = append(parts, "tickers starting with "+strings.Join(prefix, " or "))
	}
	return strings.Join(parts, "; and ")
}
