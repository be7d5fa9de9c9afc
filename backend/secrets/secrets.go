// Package secrets keeps the app's secrets in the OS keyring (Secret Service
// on Linux, Keychain on macOS, Credential Manager on Windows) and nowhere
// else: service "tickstock-monitor", user "<profile>/<kind>".
//
// When no keyring is available it says so plainly; it never falls back to a
// file.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service name of every entry.
const Service = "tickstock-monitor"

// Kind is what a secret is for.
type Kind string

const (
	AdminPassword Kind = "admin-password"
	RedisPassword Kind = "redis-password"
	APIKey        Kind = "massive-api-key"
)

// ErrNotFound: the keyring works but holds no such entry.
var ErrNotFound = errors.New("no such entry in the keyring")

// UnavailableError: there is no usable keyring; Missing says what to install
// or start.
type UnavailableError struct {
	Missing string
	cause   string
}

func (e *UnavailableError) Error() string {
	return "no keyring is available: " + e.Missing + " (" + e.cause + ")"
}

// User is the keyring user name of a profile's secret.
func User(profile string, kind Kind) string { return profile + "/" + string(kind) }

// Timeout bounds every keyring call. A Secret Service that owns its bus
// name but never answers (a locked keyring waiting on a prompt nobody sees,
// a hung daemon) would otherwise block the caller for good: a cron or
// Nagios status check would pile up, the window would never open.
const Timeout = 5 * time.Second

// Get returns the secret, ErrNotFound, or an *UnavailableError; at most
// Timeout.
func Get(profile string, kind Kind) (string, error) {
	return GetContext(context.Background(), profile, kind)
}

// GetContext is Get that also gives up when ctx ends (a signal, the
// caller's own deadline).
func GetContext(ctx context.Context, profile string, kind Kind) (string, error) {
	var v string
	err := call(ctx, func() (err error) {
		v, err = keyring.Get(Service, User(profile, kind))
		return err
	})
	return v, err
}

// Set stores (or overwrites) the secret; at most Timeout.
func Set(profile string, kind Kind, secret string) error {
	if secret == "" {
		return errors.New("refusing to store an empty secret")
	}
	return call(context.Background(), func() error { return keyring.Set(Service, User(profile, kind), secret) })
}

// Delete removes the secret; a missing entry is not an error. At most
// Timeout.
func Delete(profile string, kind Kind) error {
	err := call(context.Background(), func() error { return keyring.Delete(Service, User(profile, kind)) })
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// call runs one keyring operation under Timeout and ctx. The operation
// cannot be cancelled inside the D-Bus library; on a timeout its goroutine
// is left waiting for an answer that may never come, and the caller goes on.
func call(ctx context.Context, op func() error) error {
	if why := noSessionBus(); why != "" {
		return &UnavailableError{Missing: "no D-Bus session bus — run inside a desktop session, or set the password another way", cause: why}
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- op() }()
	select {
	case err := <-done:
		return classify(err)
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &UnavailableError{Missing: "the Secret Service did not answer — unlock or restart your keyring (gnome-keyring, KeePassXC)", cause: "no answer in time"}
		}
		return &UnavailableError{Missing: "the keyring was not asked to the end", cause: ctx.Err().Error()}
	}
}

func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	// The keyring library's errors never contain the secret; keep them short.
	cause := err.Error()
	if len(cause) > 160 {
		cause = cause[:160] + "…"
	}
	return &UnavailableError{Missing: missing(cause), cause: cause}
}

func missing(cause string) string {
	switch runtime.GOOS {
	case "linux":
		if strings.Contains(cause, "org.freedesktop.secrets") || strings.Contains(cause, "dbus") || strings.Contains(cause, "DBUS") {
			return "no Secret Service on the session bus — start gnome-keyring (or KeePassXC with Secret Service) in your desktop session"
		}
		return "the Secret Service refused the request — unlock your keyring"
	case "darwin":
		return "the macOS Keychain refused the request — unlock the login keychain"
	case "windows":
		return "the Windows Credential Manager refused the request"
	}
	return fmt.Sprintf("no keyring support on %s", runtime.GOOS)
}

// RemoteProfile is the profile name under which the admin password for a
// server URL and email is kept, shared by the desktop app and the status
// command: "<url>|<email>".
func RemoteProfile(serverURL, email string) string {
	return strings.TrimRight(serverURL, "/") + "|" + strings.ToLower(strings.TrimSpace(email))
}

// noSessionBus says why the keyring must not be asked on this system, ""
// when it may. On Linux without a session bus (cron, systemd, ssh), the
// D-Bus library would run dbus-launch and leave a dbus-daemon behind after
// the process exits, one per run; the same discovery as the library's, but
// never launching.
func noSessionBus() string {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		return ""
	}
	// The D-Bus library's own variable, read only to decide not to start a bus.
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" { //nolint:forbidigo // not configuration: the D-Bus session's address
		return ""
	}
	if _, err := os.Stat(filepath.Join("/run/user", strconv.Itoa(os.Getuid()), "bus")); err == nil {
		return ""
	}
	return "DBUS_SESSION_BUS_ADDRESS is not set and there is no /run/user/<uid>/bus; not starting a bus that would outlive this process"
}
