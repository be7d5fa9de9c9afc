package adminapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tickstock/monitor/backend/safefile"
)

// Role is a user's role; only admin and super may see the status.
type Role string

const (
	RoleUser      Role = "user"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
	RoleSuper     Role = "super"
)

var roleRank = map[Role]int{RoleUser: 1, RoleModerator: 2, RoleAdmin: 3, RoleSuper: 4}

// IsAdmin reports whether r may use the admin routes.
func (r Role) IsAdmin() bool { return roleRank[r] >= roleRank[RoleAdmin] }

// User is one entry of ADMIN_USERS_FILE.
type User struct {
	Email          string `json:"email"`
	PasswordBcrypt string `json:"password_bcrypt"`
	Role           Role   `json:"role"`
}

// Users are the accounts of a users file.
type Users struct {
	byEmail map[string]User // lower-cased email → user
	// dummy is compared against for unknown emails, at the highest bcrypt
	// cost in the file, so an unknown email never answers faster than the
	// slowest known one (no account enumeration by timing).
	dummy []byte
	// highest is that cost: a known account of a lower cost is padded to
	// it, so no answer tells one account's cost from another's.
	highest int
}

// LoadUsers reads ADMIN_USERS_FILE: a JSON array of users. A file that
// others can read is refused: it holds password hashes.
func LoadUsers(path string) (Users, error) {
	if path == "" {
		return Users{}, errors.New("ADMIN_USERS_FILE is not set: the server needs a users file (tickstock-ingest hash-password makes the hashes)")
	}
	st, err := os.Stat(path)
	if err != nil {
		return Users{}, fmt.Errorf("ADMIN_USERS_FILE=%q: %w", path, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return Users{}, fmt.Errorf("ADMIN_USERS_FILE=%q is readable by others (mode %04o): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	data, err := safefile.Read("ADMIN_USERS_FILE", path, safefile.MaxUsers)
	if err != nil {
		return Users{}, err
	}
	users, err := ParseUsers(data)
	if err != nil {
		return Users{}, fmt.Errorf("ADMIN_USERS_FILE=%q: %w", path, err)
	}
	return users, nil
}

// ParseUsers decodes and checks a users file.
func ParseUsers(data []byte) (Users, error) {
	var list []User
	if err := json.Unmarshal(data, &list); err != nil {
		return Users{}, fmt.Errorf("users file: expected a JSON array of {\"email\",\"password_bcrypt\",\"role\"}: %w", err)
	}
	users := Users{byEmail: map[string]User{}}
	cost := 0
	for i, u := range list {
		email := strings.ToLower(strings.TrimSpace(u.Email))
		if email == "" || !strings.Contains(email, "@") {
			return Users{}, fmt.Errorf("users file entry %d: invalid email %q", i+1, u.Email)
		}
		if _, ok := roleRank[u.Role]; !ok {
			return Users{}, fmt.Errorf("users file entry %d (%s): role %q is not user, moderator, admin or super", i+1, email, u.Role)
		}
		c, err := bcrypt.Cost([]byte(u.PasswordBcrypt))
		if err != nil {
			return Users{}, fmt.Errorf("users file entry %d (%s): password_bcrypt is not a bcrypt hash", i+1, email)
		}
		if c < minCost {
			// Cracked in hours if the file leaks, and it answers a wrong
			// password hundreds of times faster than the others.
			return Users{}, fmt.Errorf("users file entry %d (%s): bcrypt cost %d is below %d; hash again with tickstock-ingest hash-password", i+1, email, c, minCost)
		}
		if c > maxCost {
			// Each sign-in would take minutes: refuse rather than hang.
			return Users{}, fmt.Errorf("users file entry %d (%s): bcrypt cost %d is above %d; hash again with tickstock-ingest hash-password", i+1, email, c, maxCost)
		}
		if _, dup := users.byEmail[email]; dup {
			return Users{}, fmt.Errorf("users file: %s appears twice", email)
		}
		cost = max(cost, c)
		u.Email = email
		users.byEmail[email] = u
	}
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	users.dummy, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), cost)
	users.highest = cost
	return users, nil
}

// maxCost bounds the bcrypt cost accepted in a users file (cost 16 already
// takes seconds per sign-in).
const maxCost = 16

// minCost is the lowest bcrypt cost accepted (OWASP: at least 10). A
// variable only so this package's tests, which sign in thousands of times,
// can lower it.
var minCost = 10

// pause waits out the padding of a cheaper hash; a variable for the tests.
var pause = time.Sleep

// HashPassword returns the bcrypt hash for a users file.
func HashPassword(password string) (string, error) {
	if len(password) < 8 {
		return "", errors.New("use a password of at least 8 characters")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), 12)
	return string(h), err
}

// Len is the number of users.
func (us Users) Len() int { return len(us.byEmail) }

// check returns the user when email and password match.
func (us Users) check(email, password string) (User, bool) {
	u, ok := us.byEmail[strings.ToLower(strings.TrimSpace(email))]
	hash := us.dummy
	if ok {
		hash = []byte(u.PasswordBcrypt)
	}
	start := time.Now()
	wrong := bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil
	us.padToHighest(hash, time.Since(start))
	if wrong || !ok {
		return User{}, false
	}
	return u, true
}

// padToHighest waits so that a check against hash takes as long as one at
// the file's highest cost: bcrypt's work doubles per cost step, so a hash
// d cheaper took 1/2^d of that time, measured under the same load.
func (us Users) padToHighest(hash []byte, took time.Duration) {
	c, err := bcrypt.Cost(hash)
	if err != nil || c >= us.highest {
		return
	}
	pause(took * time.Duration(1<<(us.highest-c)-1))
}
