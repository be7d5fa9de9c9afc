package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSaveListLastDelete(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), "sub", "profiles.json"))
	if list, last, err := s.List(); err != nil || len(list) != 0 || last != "" {
		t.Fatalf("empty store: %v %q %v", list, last, err)
	}
	prod := Profile{Name: "prod", Mode: "remote", ServerURL: "https://ingest.example:8765", AdminEmail: "ops@x.io", RedisURL: "redis://cache:6379/0"}
	if err := s.Save(prod); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(Profile{Name: "lab", Mode: "demo"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLast("prod"); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := s.Last(); err != nil || !ok || p != prod {
		t.Fatalf("Last = %+v %v %v", p, ok, err)
	}
	st, _ := os.Stat(s.Path())
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 0600", st.Mode().Perm())
	}
	if err := s.SetLast("nope"); err == nil {
		t.Error("SetLast accepted an unknown profile")
	}
	if err := s.Delete("prod"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Last(); ok {
		t.Error("the deleted profile is still the last one")
	}
	if list, _, _ := s.List(); len(list) != 1 || list[0].Name != "lab" {
		t.Errorf("list %v", list)
	}
}

func TestNoSecretEverReachesTheFile(t *testing.T) {
	s := Open(filepath.Join(t.TempDir(), "profiles.json"))
	for _, p := range []Profile{
		{Name: "a", Mode: "demo", RedisURL: "redis://:hunter2-s3cret@cache:6379/0"},
		{Name: "b", Mode: "remote", ServerURL: "https://ops:hunter2-s3cret@ingest.example", AdminEmail: "ops@x.io"},
	} {
		err := s.Save(p)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: err %v", p.Name, err)
		}
	}
	if data, err := os.ReadFile(s.Path()); err == nil && strings.Contains(string(data), "hunter2") {
		t.Fatal("a password reached the profiles file")
	}
}

func TestCheckNamesTheField(t *testing.T) {
	for p, field := range map[*Profile]string{
		{Name: "", Mode: "demo"}:   "name",
		{Name: "x", Mode: "cloud"}: "mode",
		{Name: "x", Mode: "remote", ServerURL: "ftp://x", AdminEmail: "a@b"}:   "server URL",
		{Name: "x", Mode: "remote", ServerURL: "http://x:1", AdminEmail: "ab"}: "admin email",
		{Name: "x", Mode: "demo", TickChannel: "a b"}:                          "tick channel",
	} {
		if err := p.Check(); err == nil || !strings.HasPrefix(err.Error(), field) {
			t.Errorf("%+v: %v, want an error about %s", p, err, field)
		}
	}
}

func TestDamagedFileSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, _, err := Open(path).List(); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("err = %v", err)
	}
}

// Issue 25 item 1: profiles.json is read through the one file reader, so a
// FIFO in its place is refused instead of blocking the window's start.
func TestAFIFOIsNotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := Open(path).List(); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a named pipe") {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("List still blocked in a FIFO after 10 s")
	}
}
