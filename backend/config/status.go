package config

import "os"

// EnvAdminPassword is the variable `tickstock-ingest status` takes the admin
// password from when the keyring has none.
const EnvAdminPassword = "TICKSTOCK_ADMIN_PASSWORD"

// Status is what `tickstock-ingest status` needs: where to sign in and as
// whom. It is read on its own, not from a whole Config, so that a check of a
// remote server does not fail on this machine's unrelated ingest settings.
type Status struct {
	RemoteURL  string // TICKSTOCK_REMOTE_URL, the --url default
	AdminEmail string // TICKSTOCK_ADMIN_EMAIL, the --email default
	// AdminPassword comes from the process environment only, never from
	// .env: a password does not belong in a file (the keyring is its place).
	AdminPassword string
}

// LoadStatus reads the status command's settings from the environment
// overlaid on dir/.env.
func LoadStatus(dir string) (Status, error) {
	lookup, err := EnvLookup(dir)
	if err != nil {
		return Status{}, err
	}
	r := reader{lookup: lookup}
	return Status{
		RemoteURL:     r.str("TICKSTOCK_REMOTE_URL", ""),
		AdminEmail:    r.str("TICKSTOCK_ADMIN_EMAIL", ""),
		AdminPassword: os.Getenv(EnvAdminPassword),
	}, r.err()
}
