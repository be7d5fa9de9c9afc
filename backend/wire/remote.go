package wire

// SignInState is a remote observer's sign-in and link state, the "state" of
// RemoteState (the event remote:state), as the window shows it.
type SignInState string

// The sign-in states.
const (
	StateNeedsPassword       SignInState = "needs_password"
	StateSigningIn           SignInState = "signing_in"
	StateObserving           SignInState = "observing"
	StateWrongCredentials    SignInState = "wrong_credentials" //nolint:gosec // G101: a state name, not a credential
	StateForbidden           SignInState = "forbidden"
	StateSubscriptionExpired SignInState = "subscription_expired"
	StateUnreachable         SignInState = "unreachable"
	StateSessionExpired      SignInState = "session_expired"
	// StateSessionFailing: the server ended the session right after each of
	// several sign-ins; the observer stops and says so instead of looping.
	StateSessionFailing SignInState = "session_failing"
	StateStopped        SignInState = "stopped"
	// StateMonitorUnavailable: signed in, but the server's connection
	// monitor is not available (TickStockAppV2 launched as `python
	// src/app.py` answers its status API with 500); polling goes on with
	// backoff, without signing in again.
	StateMonitorUnavailable SignInState = "monitor_unavailable"
)

// SignInStates lists every sign-in state (TestWordSetsMatchFrontend holds
// the frontend's copy to it).
var SignInStates = []SignInState{
	StateNeedsPassword, StateSigningIn, StateObserving, StateWrongCredentials, StateForbidden,
	StateSubscriptionExpired, StateUnreachable, StateSessionExpired, StateSessionFailing,
	StateStopped, StateMonitorUnavailable,
}

// ServerKind is which kind of server a remote observer signed in to, the
// "kind" of RemoteState; KindUnknown until the first sign-in.
type ServerKind string

// The kinds of server.
const (
	KindUnknown ServerKind = ""
	KindServe   ServerKind = "tickstock-ingest serve"
	KindTSV2    ServerKind = "TickStockAppV2"
)

// ServerKinds lists every kind, KindUnknown included.
var ServerKinds = []ServerKind{KindUnknown, KindServe, KindTSV2}
