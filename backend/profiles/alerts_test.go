package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/wire"
)

func TestAlertSettingsPerSession(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	s := Open(path)
	if a, err := s.AlertSettings("desk"); err != nil || a.OutageAfterS != 0 {
		t.Fatalf("defaults before any save: %+v %v", a, err)
	}
	if err := s.Save(Profile{Name: "desk", Mode: "demo"}); err != nil {
		t.Fatal(err)
	}
	want := alerts.Settings{Off: []wire.AlertKind{wire.AlertSilent}, OutageAfterS: 20, Quiet: true}
	if err := s.SetAlertSettings("desk", want); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAlertSettings(SessionKey("", "demo"), alerts.Settings{SilentAfterS: 60}); err != nil {
		t.Fatal(err)
	}
	// Saving the profile again (the profile form does not carry alerts)
	// keeps them.
	if err := s.Save(Profile{Name: "desk", Mode: "demo", TickChannel: "x"}); err != nil {
		t.Fatal(err)
	}
	got, _ := Open(path).AlertSettings("desk")
	if got.OutageAfterS != 20 || !got.Quiet || len(got.Off) != 1 {
		t.Fatalf("read back %+v", got)
	}
	if env, _ := s.AlertSettings("environment:demo"); env.SilentAfterS != 60 {
		t.Fatalf("environment session %+v", env)
	}
	if err := s.SetAlertSettings("desk", alerts.Settings{OutageAfterS: 0.1}); err == nil || !strings.Contains(err.Error(), "outage threshold") {
		t.Fatalf("bad threshold: %v", err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"outage_after_s": 20`) {
		t.Fatalf("file:\n%s", b)
	}
}
