package service

import "github.com/tickstock/monitor/backend/profiles"

// Choice is the saved profile a session runs with, handed to Open by the
// window rather than read back from the profiles file, so that the profile
// the user just chose is the one that opens (and a session can be opened
// with a profile without making it the last used one).
type Choice struct {
	Profile *profiles.Profile // nil: the environment alone
	// Err is why the saved profiles could not be read; the header shows it.
	Err error
}

// LastUsed is the choice at start-up: the profile used last time, if any.
func LastUsed(store *profiles.Store) Choice {
	if store == nil {
		return Choice{}
	}
	p, ok, err := store.Last()
	if err != nil || !ok {
		return Choice{Err: err}
	}
	return Choice{Profile: &p}
}

// Named is the choice of the profile called name ("" or a name no longer
// saved: the environment alone).
func Named(store *profiles.Store, name string) Choice {
	if store == nil || name == "" {
		return Choice{}
	}
	list, _, err := store.List()
	if err != nil {
		return Choice{Err: err}
	}
	for _, p := range list {
		if p.Name == name {
			return Choice{Profile: &p}
		}
	}
	return Choice{}
}
