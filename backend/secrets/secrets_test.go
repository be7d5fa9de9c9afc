package secrets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

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

// Issue 25 item 3: with a Secret Service that owns its name but never
// answers, every keyring call blocked for good. Each now gives up within
// Timeout, or sooner when its context ends. In a child process: the D-Bus
// library keeps one session bus per process, and it must be the silent one.
func TestASilentSecretServiceIsNotWaitedFor(t *testing.T) {
	if os.Getenv("SECRETS_CHILD") == "silent" {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_, err := GetContext(ctx, "x", AdminPassword)
		var u *UnavailableError
		if !errors.As(err, &u) {
			t.Fatalf("GetContext: %v, want *UnavailableError", err)
		}
		err = Set("x", AdminPassword, "s3cret") // under Timeout alone
		if !errors.As(err, &u) || !strings.Contains(err.Error(), "did not answer") {
			t.Fatalf("Set: %v, want *UnavailableError saying the service did not answer", err)
		}
		os.Stdout.WriteString("ERR:" + err.Error())
		return
	}
	silent := keyringtest.Silent(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestASilentSecretServiceIsNotWaitedFor$")
	cmd.Env = []string{"SECRETS_CHILD=silent", "DBUS_SESSION_BUS_ADDRESS=" + silent.Address, "HOME=" + t.TempDir(), "PATH=/nonexistent"}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "ERR:") {
			t.Fatalf("child: %v\n%s", err, out.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the keyring calls were still waiting after 60 s\n%s", out.String())
	}
	select {
	case <-silent.Asked:
	default:
		t.Fatal("no call reached the silent service: the test did not test it")
	}
}

// Issue 25 item 3: without a session bus (cron, ssh, systemd) the D-Bus
// library ran dbus-launch, and each run left a dbus-daemon behind. No bus is
// started now; the child's environment carries a mark its descendants
// inherit, and no process with the mark may outlive it.
func TestNoSessionBusStartsNoDaemon(t *testing.T) {
	if os.Getenv("SECRETS_CHILD") == "nobus" {
		_, err := Get("x", AdminPassword)
		var u *UnavailableError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), "no D-Bus session bus") {
			t.Fatalf("Get: %v, want *UnavailableError naming the missing bus", err)
		}
		return
	}
	if _, err := exec.LookPath("dbus-launch"); err != nil {
		t.Fatal("dbus-launch missing; run scripts/setup (package dbus-x11): without it the test cannot fail")
	}
	mark := fmt.Sprintf("TICKSTOCK_ORPHAN_MARK=%d-%d", os.Getpid(), time.Now().UnixNano())
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSessionBusStartsNoDaemon$")
	cmd.Env = []string{"SECRETS_CHILD=nobus", mark, "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "XDG_RUNTIME_DIR=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	time.Sleep(200 * time.Millisecond) // let a forked daemon finish detaching
	if left := marked(mark); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGTERM)
		}
		t.Errorf("processes left behind by the keyring call: %v", left)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// marked lists the processes whose environment holds mark.
func marked(mark string) []int {
	var pids []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		env, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil || !bytes.Contains(env, []byte(mark+"\x00")) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
