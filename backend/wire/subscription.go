package wire

// SubscriptionPhase is where a monitor's Redis subscription is in its life
// (the "state" of SubscriptionState, the event source:state):
// connecting, then subscribed and reconnecting in turn, until stopped.
type SubscriptionPhase string

// The subscription's phases.
const (
	SubscriptionConnecting   SubscriptionPhase = "connecting"
	SubscriptionSubscribed   SubscriptionPhase = "subscribed"
	SubscriptionReconnecting SubscriptionPhase = "reconnecting"
	SubscriptionStopped      SubscriptionPhase = "stopped"
)

// SubscriptionPhases lists every phase (TestWordSetsMatchFrontend holds the
// frontend's copy to it).
var SubscriptionPhases = []SubscriptionPhase{SubscriptionConnecting, SubscriptionSubscribed, SubscriptionReconnecting, SubscriptionStopped}
