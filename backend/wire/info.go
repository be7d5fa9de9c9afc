package wire

// Info describes the running session for a header: the window's (the bound
// method Info) and the browser dashboard's (GET /api/admin/info). Both
// fill this one type, so the two headers cannot drift apart.
type Info struct {
	Product  string   `json:"product"`
	Version  string   `json:"version"`
	Mode     string   `json:"mode"`
	Warnings []string `json:"warnings"`
	// Problem is why nothing runs (a configuration error), as a sentence.
	Problem string `json:"problem"`
	// Profile is the saved profile in use ("" = the environment alone).
	Profile string `json:"profile"`
	// Remote is the observed server in remote mode.
	Remote string `json:"remote"`
	// KeyringProblem says the keyring cannot be used, and what is missing.
	KeyringProblem string `json:"keyring_problem"`
}

// Lookup says which connection carries a symbol: the answer of the
// window's LookupSymbol and of GET /api/admin/lookup (monitor.LookupSymbol
// writes it).
type Lookup struct {
	Symbol       string `json:"symbol"`
	Found        bool   `json:"found"`
	ConnectionID string `json:"connection_id"`
	Name         string `json:"name"`
	// Message is the answer as a sentence.
	Message string `json:"message"`
}

// Session says who is signed in to the admin API (GET /api/admin/session):
// the browser dashboard tells "sign in" from "not an admin" by it.
type Session struct {
	Email   string  `json:"email"`
	Role    string  `json:"role"`
	Admin   bool    `json:"admin"`
	Expires float64 `json:"expires"` // Unix s
}
