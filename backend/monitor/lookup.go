package monitor

import (
	"fmt"
	"strings"

	"github.com/tickstock/monitor/backend/ticks"
	"github.com/tickstock/monitor/backend/wire"
)

// Locator is what a lookup asks: which connection carries a ticker (as an
// Assigner answers) and the connections' names. The ingest, the service's
// modes and the remote observer are Locators.
type Locator interface {
	ConnectionOf(symbol string) (string, bool)
	Snapshot() wire.Snapshot
}

// LookupSymbol says which connection of l carries symbol, also as a
// sentence: the window's and the browser dashboard's one answer.
func LookupSymbol(l Locator, symbol string) wire.Lookup {
	sym, ok := ticks.NormalizeSymbol(strings.TrimSpace(symbol))
	if !ok {
		return wire.Lookup{Symbol: symbol, Message: fmt.Sprintf("%q is not a ticker (1–12 of A–Z 0–9 . : -).", symbol)}
	}
	out := wire.Lookup{Symbol: sym}
	out.ConnectionID, out.Found = l.ConnectionOf(sym)
	if !out.Found {
		out.Message = sym + " is on no connection: its ticks, if any, count as unassigned."
		return out
	}
	out.Name = l.Snapshot().Connections[out.ConnectionID].Name
	out.Message = fmt.Sprintf("%s is on %s (%s).", sym, wire.SlotLabel(out.ConnectionID), out.Name)
	return out
}
