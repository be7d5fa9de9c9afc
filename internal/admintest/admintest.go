// Package admintest holds the fixtures that tests of the admin API, its
// observers and the status command share: a users file with bcrypt hashes,
// and a health snapshot source that changes when told.
//
// It does not import backend/adminapi, so adminapi's own tests can use it.
package admintest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/tickstock/monitor/backend/wire"
)

// User is one account of a users file, with its password in clear.
type User struct {
	Email, Password, Role string
}

// Cost is the bcrypt cost of UsersJSON's hashes: the lowest a users file
// accepts (10). adminapi's own tests, which sign in thousands of times,
// lower it together with the package's minimum.
var Cost = 10

// hashes keeps one hash per password and cost for the test binary: at cost
// 10 each takes a tenth of a second or more.
var hashes sync.Map

func hash(password string) ([]byte, error) {
	key := fmt.Sprint(Cost, "\x00", password)
	if h, ok := hashes.Load(key); ok {
		return h.([]byte), nil
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), Cost)
	if err == nil {
		hashes.Store(key, h)
	}
	return h, err
}

// UsersJSON is an ADMIN_USERS_FILE document for users, hashed at Cost.
func UsersJSON(t testing.TB, users ...User) []byte {
	t.Helper()
	type entry struct {
		Email          string `json:"email"`
		PasswordBcrypt string `json:"password_bcrypt"`
		Role           string `json:"role"`
	}
	list := make([]entry, 0, len(users))
	for _, u := range users {
		h, err := hash(u.Password)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, entry{Email: u.Email, PasswordBcrypt: string(h), Role: u.Role})
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Health is a health snapshot provider (an adminapi.Snapshotter, as the
// manager is) that returns what it was last given. Safe for concurrent use.
type Health struct {
	mu      sync.Mutex
	snap    wire.Snapshot
	changed chan struct{}
}

// NewHealth starts with snap.
func NewHealth(snap wire.Snapshot) *Health {
	return &Health{snap: snap, changed: make(chan struct{}, 1)}
}

// Snapshot returns the current snapshot.
func (s *Health) Snapshot() wire.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

// Changed is signalled (coalesced) by Set and Update.
func (s *Health) Changed() <-chan struct{} { return s.changed }

// Set replaces the snapshot and signals the change.
func (s *Health) Set(snap wire.Snapshot) {
	s.Update(func(p *wire.Snapshot) { *p = snap })
}

// Update changes the snapshot in place and signals the change.
func (s *Health) Update(f func(*wire.Snapshot)) {
	s.mu.Lock()
	f(&s.snap)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// SetSilently replaces the snapshot without signalling: a change that only
// a poll (or the next periodic push) will see.
func (s *Health) SetSilently(snap wire.Snapshot) {
	s.mu.Lock()
	s.snap = snap
	s.mu.Unlock()
}
