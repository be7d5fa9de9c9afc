package profiles

import (
	"maps"

	"github.com/tickstock/monitor/backend/alerts"
)

// SessionKey names a session's own settings and history: the profile's name,
// or, without a profile, "environment:<mode>" so that the demo and a real
// configuration from the environment never share them.
func SessionKey(profile, mode string) string {
	if profile != "" {
		return profile
	}
	return "environment:" + mode
}

// AlertSettings returns the alert settings saved for session key (the zero
// Settings, i.e. the defaults, when none are).
func (s *Store) AlertSettings(key string) (alerts.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read()
	return f.Alerts[key], err
}

// SetAlertSettings checks and saves the alert settings of session key.
func (s *Store) SetAlertSettings(key string, a alerts.Settings) error {
	if err := a.Check(); err != nil {
		return err
	}
	return s.update(func(f *file) error {
		f.Alerts = maps.Clone(f.Alerts)
		if f.Alerts == nil {
			f.Alerts = map[string]alerts.Settings{}
		}
		f.Alerts[key] = a
		return nil
	})
}
