package alerts

import "testing"

// "(1 reconnects so far)" was seen in the timeline. (The doubled "the
// provider refused the API key: the provider rejected the API key" is gone
// with the per-transition alert: an incident's text is the verdict's one
// sentence.)
func TestAlertWordingSaysThingsInTheRightNumber(t *testing.T) {
	for n, want := range map[int64]string{0: "0 reconnects so far", 1: "1 reconnect so far", 3: "3 reconnects so far"} {
		if got := soFar(n); got != want {
			t.Errorf("soFar(%d) = %q, want %q", n, got, want)
		}
	}
}
