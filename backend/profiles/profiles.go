// Package profiles keeps the window's saved connection profiles in
// os.UserConfigDir()/tickstock-monitor/profiles.json (mode 0600). A profile
// holds no secret: passwords and keys live in the OS keyring
// (backend/secrets), and a Redis URL with a password in it is refused.
package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/safefile"
)

// Profile is one saved way to run the window.
type Profile struct {
	Name        string `json:"name"`
	Mode        string `json:"mode"` // demo, embedded or remote
	ServerURL   string `json:"server_url,omitempty"`
	AdminEmail  string `json:"admin_email,omitempty"`
	RedisURL    string `json:"redis_url,omitempty"`
	TickChannel string `json:"tick_channel,omitempty"`
}

type file struct {
	Last     string    `json:"last"`
	Profiles []Profile `json:"profiles"`
	// Alerts holds each session's alert settings (see alerts.go).
	Alerts map[string]alerts.Settings `json:"alerts,omitempty"`
}

// Store is the profiles file.
type Store struct {
	path string
	mu   sync.Mutex
}

// DefaultPath is os.UserConfigDir()/tickstock-monitor/profiles.json.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user configuration directory: %w", err)
	}
	return filepath.Join(dir, "tickstock-monitor", "profiles.json"), nil
}

// Open returns the store at path (created on the first Save).
func Open(path string) *Store { return &Store{path: path} }

// Path is where the profiles are kept.
func (s *Store) Path() string { return s.path }

func (s *Store) read() (file, error) {
	data, err := safefile.Read("profiles file", s.path, safefile.MaxJSON)
	if errors.Is(err, os.ErrNotExist) {
		return file{}, nil
	}
	if err != nil {
		return file{}, err
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return file{}, fmt.Errorf("%s is damaged (%w): fix or delete it", s.path, err)
	}
	return f, nil
}

func (s *Store) write(f file) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(f, "", "  ")
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

// update is the one read → change → write of the file, under the lock, so
// two saves from the window never lose each other's change.
func (s *Store) update(change func(*file) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	if err != nil {
		return err
	}
	if err := change(&f); err != nil {
		return err
	}
	return s.write(f)
}

// List returns the profiles, sorted by name, and the last used one's name.
func (s *Store) List() ([]Profile, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	slices.SortFunc(f.Profiles, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return f.Profiles, f.Last, err
}

// Last returns the last used profile, if any.
func (s *Store) Last() (Profile, bool, error) {
	list, last, err := s.List()
	if err != nil || last == "" {
		return Profile{}, false, err
	}
	for _, p := range list {
		if p.Name == last {
			return p, true, nil
		}
	}
	return Profile{}, false, nil
}

// Save adds or replaces a profile after checking it.
func (s *Store) Save(p Profile) error {
	if err := p.Check(); err != nil {
		return err
	}
	return s.update(func(f *file) error {
		f.Profiles = slices.DeleteFunc(f.Profiles, func(x Profile) bool { return x.Name == p.Name })
		f.Profiles = append(f.Profiles, p)
		return nil
	})
}

// Delete removes a profile.
func (s *Store) Delete(name string) error {
	return s.update(func(f *file) error {
		f.Profiles = slices.DeleteFunc(f.Profiles, func(x Profile) bool { return x.Name == name })
		if f.Last == name {
			f.Last = ""
		}
		return nil
	})
}

// SetLast records the profile to reopen on start ("" = none: the demo or
// the environment).
func (s *Store) SetLast(name string) error {
	return s.update(func(f *file) error {
		if name != "" && !slices.ContainsFunc(f.Profiles, func(x Profile) bool { return x.Name == name }) {
			return fmt.Errorf("no profile named %q", name)
		}
		f.Last = name
		return nil
	})
}

// Check validates a profile; every error says which field to fix.
func (p *Profile) Check() error {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || len(p.Name) > 64 {
		return errors.New("name: give the profile a name of 1 to 64 characters")
	}
	// The environment's rules (config), then what a profile adds: it
	// holds no secret, and a remote one names its admin.
	mode, err := config.ParseMode(p.Mode)
	if err != nil || string(mode) != p.Mode {
		return fmt.Errorf("mode: %q is not demo, embedded or remote", p.Mode)
	}
	if mode == config.ModeRemote {
		if err := config.CheckRemoteURL(p.ServerURL); err != nil {
			return fmt.Errorf("server URL: %w", err)
		}
		if u, _ := url.Parse(p.ServerURL); u.User != nil {
			return errors.New("server URL: put no user or password in the URL; the password goes in the keyring")
		}
		if !strings.Contains(p.AdminEmail, "@") {
			return errors.New("admin email: expected an email address")
		}
	}
	if p.RedisURL != "" {
		if err := config.CheckRedisURL(p.RedisURL); err != nil {
			return fmt.Errorf("Redis URL: %w", err) //nolint:staticcheck // ST1005: the field name, shown as-is in the profile form
		}
		if u, _ := url.Parse(p.RedisURL); u.User != nil {
			if _, has := u.User.Password(); has {
				return errors.New("Redis URL: remove the password from the URL; it is kept in the keyring instead") //nolint:staticcheck // ST1005: the field name, shown as-is
			}
		}
	}
	if p.TickChannel != "" {
		if err := config.CheckTickChannel(p.TickChannel); err != nil {
			return fmt.Errorf("tick channel: %w", err)
		}
	}
	return nil
}
