package service

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/ingest"
	"github.com/tickstock/monitor/backend/manager"
	"github.com/tickstock/monitor/backend/monitor"
	"github.com/tickstock/monitor/backend/remote"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/backend/simulator"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// mode is what one session runs, and the only place the three modes
// differ: a source of health (Snapshot, Changed), of the ticker →
// connection assignment (ConnectionOf), and of the controls that exist in
// that mode. One implementation per mode:
//
//   - local: demo and embedded, the in-process ingest (manager, simulator in
//     the demo, publisher) and the Redis monitor;
//   - observed: remote, a remote.Observer and the Redis monitor. The
//     observer itself tells tickstock-ingest serve from TickStockAppV2 at
//     sign-in (wire.KindServe / wire.KindTSV2): the sign-in form, the
//     health JSON and the push stream differ there, nothing here does;
//   - idle: nothing runs (a configuration error), every slot disabled.
//
// The Redis monitor's controls (pause, filter, painted, hidden, subscription state)
// come from the embedded *monitor.Monitor in local and observed, and are
// inert in idle.
type mode interface {
	Snapshot() wire.Snapshot
	Changed() <-chan struct{}
	ConnectionOf(symbol string) (connectionID string, ok bool)

	Subscription() wire.SubscriptionState
	Pause()
	Resume()
	SetFilter(filter string)
	Painted(seq uint64)
	SetHidden(hidden bool)
	// observe adds the mode's part (subscription, tick metrics, sign-in)
	// to an observation of the alert engine.
	observe(o *alerts.Observation, now time.Time)
	// evidence adds the mode's part to the evidence of a verdict
	// (verdict.go).
	evidence(ev *verdict.Evidence)

	// demoSimulator is the demo's provider simulator, for the fault
	// controls; errNoDemo in every other mode.
	demoSimulator() (*simulator.Server, error)
	remoteState() *wire.RemoteState
	signIn(password string, remember bool) error
	forgetPassword() error
	close()
}

var (
	errNoDemo   = errors.New("fault controls exist only in the embedded demo, which runs its own provider simulator")
	errNoRemote = errors.New("signing in is for remote mode")
	errNoForget = errors.New("there is no remembered password outside remote mode")
)

// notRemote is embedded by the modes that have no remote server.
type notRemote struct{}

func (notRemote) remoteState() *wire.RemoteState { return nil }
func (notRemote) signIn(string, bool) error      { return errNoRemote }
func (notRemote) forgetPassword() error          { return errNoForget }

// withMonitor gives a running mode the Redis monitor's controls.
type withMonitor struct{ *monitor.Monitor }

func (m withMonitor) observe(o *alerts.Observation, now time.Time) {
	sub := m.Monitor.Subscription()
	o.Subscription, o.Metrics = &sub, m.MetricsAt(now)
}

// local is demo and embedded mode: the in-process ingest.
type local struct {
	*ingest.Ingest
	withMonitor
	notRemote
}

func (l *local) demoSimulator() (*simulator.Server, error) {
	if l.Simulator == nil { // embedded: the real provider
		return nil, errNoDemo
	}
	return l.Simulator, nil
}

func (l *local) close() {
	l.Monitor.Close()
	l.Ingest.Close()
}

// observed is remote mode: a remote.Observer of serve or TickStockAppV2.
type observed struct {
	*remote.Observer
	withMonitor
	passwordKey string // keyring profile of the remote password

	mu      sync.Mutex
	settled verdict.Access // what the last state word other than a re-sign-in meant (accessOf)
}

func (r *observed) observe(o *alerts.Observation, now time.Time) {
	r.withMonitor.observe(o, now)
	o.Remote = r.remoteState()
}

func (*observed) demoSimulator() (*simulator.Server, error) { return nil, errNoDemo }

func (r *observed) remoteState() *wire.RemoteState {
	st := r.Observer.State()
	return &st
}

// signIn signs in with password; remember also keeps it in the keyring,
// once the server has accepted it (a mistyped password is never kept). A
// keyring failure is returned, but the sign-in goes on with the password
// for this session only.
func (r *observed) signIn(password string, remember bool) error {
	if password == "" {
		return errors.New("enter the password")
	}
	asked := wire.Unix(time.Now())
	r.Observer.SignIn(password)
	if !remember {
		return nil
	}
	switch r.answer(asked, signInAnswerWait) {
	case answerWrong:
		return nil // the panel says the password is wrong; nothing is kept
	case answerNone:
		return errors.New("signing in for this session; the password was not remembered, because the server has not accepted it yet: tick Remember at the next sign-in")
	}
	if err := secrets.Set(r.passwordKey, secrets.AdminPassword, password); err != nil {
		return fmt.Errorf("signed in for this session only: the password could not be remembered (%w)", err)
	}
	return nil
}

// signInAnswerWait bounds how long a sign-in with Remember waits for the
// server's answer before the password would be kept.
const signInAnswerWait = 15 * time.Second

type signInAnswer int

const (
	answerNone  signInAnswer = iota // no answer in time (unreachable, slow)
	answerWrong                     // wrong email or password
	answerRight                     // the server took the password (whatever the role)
)

// answer waits for the server's answer to the sign-in asked at asked (Unix
// seconds): a state reached since then that tells whether the password was right.
func (r *observed) answer(asked float64, within time.Duration) signInAnswer {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if st := r.Observer.State(); st.Since >= asked {
			switch st.State {
			case wire.StateWrongCredentials:
				return answerWrong
			case wire.StateObserving, wire.StateForbidden, wire.StateMonitorUnavailable, wire.StateSubscriptionExpired:
				return answerRight
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return answerNone
}

func (r *observed) forgetPassword() error {
	return secrets.Delete(r.passwordKey, secrets.AdminPassword)
}

func (r *observed) close() {
	r.Monitor.Close()
	r.Observer.Close()
}

// idle is a session in which nothing runs: its configuration is wrong, and
// the header says why (problem).
type idle struct {
	notRemote
	slots   *manager.Manager // never started: it only reports its slots
	changed chan struct{}    // never signalled
	problem string
}

// newIdle shows every slot disabled, with the default names, as a manager
// of an empty configuration would.
func newIdle(problem string) *idle {
	cfg, _ := config.FromLookup(func(string) (string, bool) { return "", false })
	for i := range cfg.Connections {
		cfg.Connections[i].Enabled = false
	}
	return &idle{slots: manager.New(cfg, manager.Options{}), changed: make(chan struct{}), problem: problem}
}

// Snapshot is a fresh copy per call, as in the other modes: callers may
// keep or change it.
func (i *idle) Snapshot() wire.Snapshot  { return i.slots.Snapshot() }
func (i *idle) Changed() <-chan struct{} { return i.changed }
func (*idle) ConnectionOf(string) (string, bool) {
	return "", false
}

func (i *idle) Subscription() wire.SubscriptionState {
	return wire.SubscriptionState{State: wire.SubscriptionStopped, Detail: "Nothing runs: " + i.problem}
}
func (*idle) Pause()                                    {}
func (*idle) Resume()                                   {}
func (*idle) SetFilter(string)                          {}
func (*idle) Painted(uint64)                            {}
func (*idle) SetHidden(bool)                            {}
func (*idle) observe(*alerts.Observation, time.Time)    {}
func (*idle) demoSimulator() (*simulator.Server, error) { return nil, errNoDemo }
func (*idle) close()                                    {}
