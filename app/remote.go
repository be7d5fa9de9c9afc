package app

import (
	"errors"

	"github.com/tickstock/monitor/backend/profiles"
	"github.com/tickstock/monitor/backend/service"
	"github.com/tickstock/monitor/backend/wire"
)

// RemoteState is the sign-in state in remote mode (nil otherwise).
func (a *App) RemoteState() (st *wire.RemoteState, err error) {
	defer a.recoverInto(&err, "RemoteState")
	b, err := a.current()
	if err != nil {
		return nil, err
	}
	return b.Remote(), nil
}

// SignIn signs in to the remote server; remember keeps the password in the
// OS keyring.
func (a *App) SignIn(password string, remember bool) (err error) {
	defer a.recoverInto(&err, "SignIn")
	b, err := a.current()
	if err != nil {
		return err
	}
	return b.SignIn(password, remember)
}

// ForgetPassword removes the remembered password from the keyring.
func (a *App) ForgetPassword() (err error) {
	defer a.recoverInto(&err, "ForgetPassword")
	b, err := a.current()
	if err != nil {
		return err
	}
	return b.ForgetPassword()
}

// ProfileList is the saved profiles and the one in use.
type ProfileList struct {
	Profiles []profiles.Profile `json:"profiles"`
	Last     string             `json:"last"`
	Path     string             `json:"path"`
}

var errNoProfiles = errors.New("profiles are not available: no user configuration directory")

// ListProfiles returns the saved profiles.
func (a *App) ListProfiles() (l ProfileList, err error) {
	defer a.recoverInto(&err, "ListProfiles")
	if a.profiles == nil {
		return l, errNoProfiles
	}
	l.Profiles, l.Last, err = a.profiles.List()
	if l.Profiles == nil {
		l.Profiles = []profiles.Profile{}
	}
	l.Path = a.profiles.Path()
	return l, err
}

// SaveProfile adds or replaces a profile (no secrets: they go to the keyring).
func (a *App) SaveProfile(p profiles.Profile) (err error) {
	defer a.recoverInto(&err, "SaveProfile")
	if a.profiles == nil {
		return errNoProfiles
	}
	return a.profiles.Save(p)
}

// DeleteProfile removes a profile.
func (a *App) DeleteProfile(name string) (err error) {
	defer a.recoverInto(&err, "DeleteProfile")
	if a.profiles == nil {
		return errNoProfiles
	}
	return a.profiles.Delete(name)
}

// UseProfile switches to a profile ("" = the environment / demo) and
// reopens the session; it is also the profile reopened at the next start.
func (a *App) UseProfile(name string) (err error) {
	defer a.recoverInto(&err, "UseProfile")
	if a.profiles == nil {
		return errNoProfiles
	}
	if err := a.profiles.SetLast(name); err != nil {
		return err
	}
	go a.reopen(service.Named(a.profiles, name)) // not on the caller's goroutine: it answers at once
	return nil
}
