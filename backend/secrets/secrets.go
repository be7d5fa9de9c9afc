// Package secrets keeps the app's secrets in the OS keyring (Secret Service
// on Linux, Keychain on macOS, Credential Manager on Windows) and nowhere
// else: service "tickstock-monitor", user "<profile>/<kind>".
//
// When no keyring is available it says so plainly; it never falls back to a
// file.
package secrets

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

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

// Get returns the secret, ErrNotFound, or an *UnavailableError.
func Get(profile string, kind Kind) (string, error) {
	v, err := keyring.Get(Service, User(profile, kind))
	return v, classify(err)
}

// Set stores (or overwrites) the secret.
func Set(profile string, kind Kind, secret string) error {
	if secret == "" {
		return errors.New("refusing to store an empty secret")
	}
	return classify(keyring.Set(Service, User(profile, kind), secret))
}

// Delete removes the secret; a missing entry is not an error.
func Delete(profile string, kind Kind) error {
	err := classify(keyring.Delete(Service, User(profile, kind)))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
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
