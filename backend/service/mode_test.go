package service

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/internal/redistest"
)

// An idle session (nothing runs) answers every control with what the
// window shows for it, and never panics: there is no monitor, ingest or
// observer behind it.
func TestIdleModeAnswersEveryControl(t *testing.T) {
	s := open(t, map[string]string{"WEBSOCKET_CONNECTIONS_MAX": "7"}, Options{})
	if _, ok := s.mode.(*idle); !ok {
		t.Fatalf("mode %T, want *idle", s.mode)
	}
	if err := s.SignIn("pw", false); err == nil || err.Error() != "signing in is for remote mode" {
		t.Errorf("SignIn: %v", err)
	}
	if err := s.ForgetPassword(); err == nil || !strings.Contains(err.Error(), "outside remote mode") {
		t.Errorf("ForgetPassword: %v", err)
	}
	if r := s.Remote(); r != nil {
		t.Errorf("Remote = %+v, want nil outside remote mode", r)
	}
	if l := s.LookupSymbol("AAPL"); l.Found {
		t.Errorf("lookup %+v", l)
	}
	if err := s.StallConnection("connection_1", 1); err == nil || !strings.Contains(err.Error(), "only in the embedded demo") {
		t.Errorf("StallConnection: %v", err)
	}
	s.SetFilter("AA")
	s.TicksPainted(1)
	s.WindowHidden(true)
	select {
	case <-s.mode.Changed():
		t.Error("an idle session signalled a change")
	default:
	}
}

func twoProfiles(t *testing.T) *profiles.Store {
	t.Helper()
	store := profiles.Open(filepath.Join(t.TempDir(), "profiles.json"))
	ch := redistest.Channel(t)
	for _, name := range []string{"first", "second"} {
		if err := store.Save(profiles.Profile{Name: name, Mode: "demo", TickChannel: ch + ":" + name}); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.SetLast("first"); err != nil {
		t.Fatal(err)
	}
	return store
}

// The profile the window chose is the one that opens: it is an argument,
// not whatever the profiles file says was used last.
func TestOpenRunsTheChosenProfile(t *testing.T) {
	store := twoProfiles(t)
	s := open(t, map[string]string{"TICKSTOCK_MODE": ""}, Options{Profile: Named(store, "second"), Profiles: store})
	if p := s.Info().Profile; p != "second" {
		t.Fatalf("profile %q, want second (the last used is first)", p)
	}
	if _, ok := s.mode.(*local); !ok {
		t.Errorf("mode %T, want *local for a demo profile", s.mode)
	}
	if c := LastUsed(store); c.Profile == nil || c.Profile.Name != "first" || c.Err != nil {
		t.Errorf("LastUsed = %+v", c)
	}
	for _, name := range []string{"", "deleted"} {
		if c := Named(store, name); c.Profile != nil || c.Err != nil {
			t.Errorf("Named(%q) = %+v, want the environment alone", name, c)
		}
	}
	if c := LastUsed(nil); c.Profile != nil || c.Err != nil {
		t.Errorf("LastUsed(nil) = %+v", c)
	}
}

// A profiles file that cannot be read is said in the header, as before the
// choice became an argument.
func TestUnreadableProfilesAreTheProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	store := profiles.Open(path)
	c := LastUsed(store)
	if c.Err == nil {
		t.Fatalf("LastUsed of a broken file = %+v", c)
	}
	if n := Named(store, "x"); n.Err == nil {
		t.Errorf("Named of a broken file = %+v", n)
	}
	s := open(t, map[string]string{"TICKSTOCK_MODE": ""}, Options{Profile: c, Profiles: store})
	if p := s.Info().Problem; !strings.HasPrefix(p, "saved profiles: ") {
		t.Errorf("problem %q", p)
	}
	if _, ok := s.mode.(*idle); !ok {
		t.Errorf("mode %T, want *idle", s.mode)
	}
}
