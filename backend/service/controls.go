package service

import (
	"errors"
	"fmt"
	"time"

	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/wire"
)

// Lookup says which connection carries a symbol (the wire shape: the
// browser dashboard's lookup answers the same).
type Lookup = wire.Lookup

// LookupSymbol says which connection carries symbol.
func (s *Service) LookupSymbol(symbol string) Lookup {
	return monitor.LookupSymbol(s.mode, symbol)
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
