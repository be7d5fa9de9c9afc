package service

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tickstock/monitor/backend/health"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/ticks"
)

// Lookup says which connection carries a symbol.
type Lookup struct {
	Symbol       string `json:"symbol"`
	Found        bool   `json:"found"`
	ConnectionID string `json:"connection_id"`
	Name         string `json:"name"`
	// Message is the answer as a sentence.
	Message string `json:"message"`
}

// LookupSymbol says which connection carries symbol.
func (s *Service) LookupSymbol(symbol string) Lookup {
	sym, ok := ticks.NormalizeSymbol(strings.TrimSpace(symbol))
	if !ok {
		return Lookup{Symbol: symbol, Message: fmt.Sprintf("%q is not a ticker (1–12 of A–Z 0–9 . : -).", symbol)}
	}
	l := Lookup{Symbol: sym}
	l.ConnectionID, l.Found = s.mode.ConnectionOf(sym)
	if !l.Found {
		l.Message = sym + " is on no connection: its ticks, if any, count as unassigned."
		return l
	}
	l.Name = s.Snapshot().Connections[l.ConnectionID].Name
	l.Message = fmt.Sprintf("%s is on %s (%s).", sym, health.SlotLabel(l.ConnectionID), l.Name)
	return l
}

// SetFilter shows only rows whose symbol contains filter ("" = all).
func (s *Service) SetFilter(filter string) {
	s.mode.SetFilter(filter)
}

// DropConnection makes the demo's simulator cut connection id without a close
// frame, to show (and test) reconnection.
func (s *Service) DropConnection(id string) error {
	return s.fault(id, func(sim *simulator.Server, sym string) int { return sim.Drop(sym) })
}

// StallConnection makes the simulator go silent on connection id for d: no
// frames and no pongs, until the manager's read deadline gives up on it.
func (s *Service) StallConnection(id string, d time.Duration) error {
	return s.fault(id, func(sim *simulator.Server, sym string) int { return sim.Stall(sym, d) })
}

func (s *Service) fault(id string, apply func(sim *simulator.Server, symbol string) int) error {
	sim, err := s.mode.demoSimulator()
	if err != nil {
		return err
	}
	c, ok := s.Snapshot().Connections[id]
	if !ok || !c.Enabled {
		return fmt.Errorf("%s is not an enabled connection", id)
	}
	if len(c.Tickers) == 0 {
		return fmt.Errorf("%s has no tickers, so the simulator cannot tell its session apart", id)
	}
	if apply(sim, c.Tickers[0]) == 0 {
		return fmt.Errorf("%s is not connected to the simulator right now", id)
	}
	return nil
}

// DropConnectionFor makes the demo's simulator cut connection id and keep
// cutting it for d (it authenticates, then loses the subscription), to show
// (and test) an outage longer than a quick reconnect.
func (s *Service) DropConnectionFor(id string, d time.Duration) error {
	return s.fault(id, func(sim *simulator.Server, sym string) int { return sim.DropFor(sym, d) })
}

// reconnecter is a mode whose connections can be told to stop waiting:
// the in-process manager (demo, embedded) and a remote serve (its admin API).
type reconnecter interface {
	ReconnectNow(id string) error
}

// ReconnectNow cuts connection id's backoff wait short, so it dials again
// at once (after a provider outage, instead of another 15–60 s).
func (s *Service) ReconnectNow(id string) error {
	r, ok := s.mode.(reconnecter)
	if !ok {
		return errors.New("nothing runs that could reconnect: " + s.Info().Problem)
	}
	return r.ReconnectNow(id)
}
