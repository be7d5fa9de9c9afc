package alerts

import "testing"

// "(1 reconnects so far)" and "the provider refused the API key: the
// provider rejected the API key (auth_failed)…" were seen in the timeline.
func TestAlertWordingSaysThingsOnceAndInTheRightNumber(t *testing.T) {
	for n, want := range map[int64]string{0: "0 reconnects so far", 1: "1 reconnect so far", 3: "3 reconnects so far"} {
		if got := soFar(n); got != want {
			t.Errorf("soFar(%d) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct{ what, cause, want string }{
		{"the provider refused the API key", "the provider rejected the API key (auth_failed): check MASSIVE_API_KEY", "the provider rejected the API key (auth_failed): check MASSIVE_API_KEY"},
		{"the provider refused the API key", "", "the provider refused the API key"},
		{"the provider refused another connection for this key (max_connections)", "max 3 connections", "the provider refused another connection for this key (max_connections): max 3 connections"},
	} {
		if got := fatalWhat(c.what, c.cause); got != c.want {
			t.Errorf("fatalWhat(%q, %q) = %q, want %q", c.what, c.cause, got, c.want)
		}
	}
}
