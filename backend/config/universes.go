package config

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/tickstock/monitor/backend/ticks"
)

// Universes maps a universe key to its tickers.
type Universes map[string][]string

// ParseUniverses decodes a UNIVERSE_FILE: a JSON object of key → array of
// tickers. Tickers are upper-cased and validated; a bad one is an error that
// names the key.
func ParseUniverses(data []byte) (Universes, error) {
	var raw map[string][]string
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("expected a JSON object of universe key → array of tickers: %w", err)
	}
	u := make(Universes, len(raw))
	for key, list := range raw {
		clean := make([]string, 0, len(list))
		for _, s := range list {
			sym, ok := ticks.NormalizeSymbol(s)
			if !ok {
				return nil, fmt.Errorf("universe %q: invalid ticker %q", key, truncate(s, 20))
			}
			clean = append(clean, sym)
		}
		u[key] = clean
	}
	return u, nil
}

// Resolve returns the union of the universes named by key, where "a:b" names
// both a and b, in first-seen order without duplicates. Unknown keys are
// returned so the caller can warn about them.
func (u Universes) Resolve(key string) (tickers []string, unknown []string) {
	seen := make(map[string]bool)
	for _, part := range splitNonEmpty(key, ':') {
		list, ok := u[part]
		if !ok {
			unknown = append(unknown, part)
			continue
		}
		for _, s := range list {
			if !seen[s] {
				seen[s] = true
				tickers = append(tickers, s)
			}
		}
	}
	return tickers, unknown
}

// Keys returns the universe keys, sorted.
func (u Universes) Keys() []string {
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// DemoUniverses are built in so the demo needs no file: three universes of
// real US tickers, one per demo connection.
func DemoUniverses() Universes {
	return Universes{
		"demo_megacap": {
			"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "BRK.B", "AVGO", "TSLA", "LLY",
			"JPM", "V", "UNH", "XOM", "MA", "JNJ", "PG", "HD", "COST", "ABBV",
			"WMT", "MRK", "NFLX", "KO", "BAC", "CVX", "PEP", "ADBE", "CRM", "TMO",
			"ORCL", "ACN", "MCD", "CSCO", "ABT", "LIN", "WFC", "DHR", "DIS", "AMD",
		},
		"demo_growth": {
			"PLTR", "SNOW", "CRWD", "DDOG", "NET", "ZS", "MDB", "SHOP", "SQ", "UBER",
			"ABNB", "DASH", "COIN", "RBLX", "TTD", "PANW", "FTNT", "NOW", "INTU", "ANET",
			"MELI", "SE", "HUBS", "TEAM", "OKTA", "TWLO", "DOCU", "ROKU", "PINS", "SNAP",
			"U", "PATH", "AFRM", "HOOD", "SOFI",
		},
		"demo_value": {
			"T", "VZ", "IBM", "INTC", "F", "GM", "C", "GS", "MS", "USB",
			"PFE", "BMY", "GILD", "CVS", "MO", "PM", "DUK", "SO", "D", "NEE",
			"MMM", "CAT", "DE", "HON", "UPS", "FDX", "LMT", "RTX", "GD", "NOC",
			"KMI", "OXY", "COP", "SLB", "EOG", "PSX", "VLO", "MPC",
		},
	}
}
