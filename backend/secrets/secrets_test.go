package secrets

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/tickstock/monitor/internal/keyringtest"
)

func TestRoundTripOnTheRealKeyring(t *testing.T) {
	keyringtest.Require(t)
	profile := "test-" + t.Name()
	t.Cleanup(func() { Delete(profile, AdminPassword) })

	if _, err := Get(profile, AdminPassword); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing entry: %v, want ErrNotFound", err)
	}
	if err := Set(profile, AdminPassword, "first-s3cret"); err != nil {
		t.Fatal(err)
	}
	if v, err := Get(profile, AdminPassword); err != nil || v != "first-s3cret" {
		t.Fatalf("Get = %q %v", v, err)
	}
	if err := Set(profile, AdminPassword, "second-s3cret"); err != nil {
		t.Fatal(err)
	}
	if v, _ := Get(profile, AdminPassword); v != "second-s3cret" {
		t.Fatalf("after overwrite Get = %q", v)
	}
	// The entry is really in the Secret Service, under the documented names.
	if out, err := exec.Command("secret-tool", "lookup", "service", Service, "username", User(profile, AdminPassword)).Output(); err != nil || string(out) != "second-s3cret" {
		t.Errorf("secret-tool sees %q (%v)", out, err)
	}
	if err := Delete(profile, AdminPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := Get(profile, AdminPassword); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
	if err := Delete(profile, AdminPassword); err != nil {
		t.Fatalf("deleting a missing entry: %v", err)
	}
	if err := Set(profile, AdminPassword, ""); err == nil {
		t.Fatal("stored an empty secret")
	}
}

// Without a session bus there is no keyring: the error says what is missing.
// The check runs in a child process whose environment has no D-Bus address.
func TestUnavailableKeyringSaysWhatIsMissing(t *testing.T) {
	if os.Getenv("SECRETS_CHILD") == "1" {
		err := Set("x", AdminPassword, "s3cret-never-stored")
		var u *UnavailableError
		if !errors.As(err, &u) {
			t.Fatalf("err = %v, want *UnavailableError", err)
		}
		os.Stdout.WriteString("ERR:" + err.Error())
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestUnavailableKeyringSaysWhatIsMissing$")
	cmd.Env = []string{"SECRETS_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus", "HOME=" + t.TempDir(), "PATH=/nonexistent"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	s := string(out)
	if !contains(s, "no keyring is available") || !contains(s, "Secret Service") || contains(s, "s3cret-never-stored") {
		t.Fatalf("child said: %s", s)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
