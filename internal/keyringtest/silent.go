package keyringtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// SilentService is a private D-Bus session bus on which the Secret
// Service's name is owned by a peer that never answers: the state of a
// keyring waiting on an unlock prompt nobody sees, or a hung daemon.
type SilentService struct {
	Address string        // for DBUS_SESSION_BUS_ADDRESS
	Asked   chan struct{} // receives once per call that reached the service
	stop    chan struct{}
}

// Silent starts a SilentService for the test; the bus and the peer end with
// it. The bus has no service directories, so nothing is ever activated.
func Silent(tb testing.TB) *SilentService {
	tb.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		tb.Fatal("dbus-daemon missing; run scripts/setup (package dbus)")
	}
	dir := tb.TempDir()
	socket := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+socket+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600); err != nil {
		tb.Fatal(err)
	}
	daemon := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile")
	daemon.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	diesWithTest(daemon.SysProcAttr)
	if err := daemon.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = syscall.Kill(-daemon.Process.Pid, syscall.SIGKILL)
		_ = daemon.Wait()
	})
	s := &SilentService{Address: "unix:path=" + socket, Asked: make(chan struct{}, 64), stop: make(chan struct{})}
	var conn *dbus.Conn
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		if conn, err = dbus.Connect(s.Address, dbus.WithHandler(s)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("private bus at %s: %v", socket, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Cleanup(func() { close(s.stop); conn.Close() })
	reply, err := conn.RequestName("org.freedesktop.secrets", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		tb.Fatalf("owning org.freedesktop.secrets: %v (%v)", reply, err)
	}
	return s
}

// LookupObject is called for every method call to the peer: it reports the
// call and returns only when the test ends, so the caller never gets an
// answer. (godbus runs each call in its own goroutine.)
func (s *SilentService) LookupObject(path dbus.ObjectPath) (dbus.ServerObject, bool) {
	if !strings.HasPrefix(string(path), "/org/freedesktop/DBus") {
		select {
		case s.Asked <- struct{}{}:
		default:
		}
	}
	<-s.stop
	return nil, false
}
