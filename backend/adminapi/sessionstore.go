package adminapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tickstock/monitor/backend/safefile"
)

// SessionStore is what lets sessions outlast the process: the key that signs
// them and the sign-outs, both kept in files. Options.Sessions nil means a
// random key and sign-outs in memory: sessions end with the process.
type SessionStore struct {
	key       []byte
	signedOut *revocations
}

// minKeyBytes is the shortest signing key accepted (HMAC-SHA256's block
// strength needs 32 random bytes).
const minKeyBytes = 32

// OpenSessionStore reads the signing key at keyFile, or makes one (32
// random bytes, hex, mode 0600) when the file does not exist, and the
// sign-outs kept beside it in keyFile+".signed-out". A key file that others
// can read is refused: whoever has it can sign in as anyone.
func OpenSessionStore(keyFile string, now func() time.Time) (*SessionStore, error) {
	if now == nil {
		now = time.Now
	}
	key, err := loadOrMakeKey(keyFile)
	if err != nil {
		return nil, err
	}
	r, err := loadRevocations(keyFile+".signed-out", now)
	if err != nil {
		return nil, err
	}
	return &SessionStore{key: key, signedOut: r}, nil
}

func loadOrMakeKey(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, minKeyBytes)
		_, _ = rand.Read(key)
		if err := writePrivate(path, []byte(hex.EncodeToString(key)+"\n")); err != nil {
			return nil, fmt.Errorf("session key %s could not be created (%w): set ADMIN_SESSION_KEY_FILE to a writable path", path, err)
		}
		return []byte(hex.EncodeToString(key)), nil
	}
	if err != nil {
		return nil, fmt.Errorf("session key %s: %w", path, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("session key %s is readable by others (mode %04o): run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	data, err := safefile.Read("ADMIN_SESSION_KEY_FILE", path, 4<<10)
	if err != nil {
		return nil, err
	}
	key := []byte(strings.TrimSpace(string(data)))
	if len(key) < minKeyBytes {
		return nil, fmt.Errorf("session key %s holds %d bytes, fewer than %d: delete it to have a new one made (everyone signs in again), or write `openssl rand -hex 32` into it", path, len(key), minKeyBytes)
	}
	return key, nil
}

// writePrivate writes data to path with mode 0600, through a temporary file
// renamed over it, so a crash never leaves half a file.
func writePrivate(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename; cleans up after a failure
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// revocations are the sessions signed out before they expired: session id
// → its expiry (Unix seconds), dropped once past it, so the list holds only
// the sign-outs of the last SessionTTL. path "" keeps them in memory.
type revocations struct {
	path string
	now  func() time.Time
	mu   sync.Mutex
	m    map[string]int64
}

func loadRevocations(path string, now func() time.Time) (*revocations, error) {
	r := &revocations{path: path, now: now, m: map[string]int64{}}
	if path == "" {
		return r, nil
	}
	// A day of sign-outs is a few KiB; 8 MiB bounds a damaged or hostile file.
	data, err := safefile.Read("ADMIN_SESSION_KEY_FILE (its signed-out list)", path, 8<<20)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("signed-out sessions %s: %w", path, err)
	}
	if err := json.Unmarshal(data, &r.m); err != nil {
		return nil, fmt.Errorf("signed-out sessions %s is not a JSON object of session id → expiry (%w): delete it, and sessions signed out before it was damaged are valid again until they expire", path, err)
	}
	return r, nil
}

func (r *revocations) has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.m[id]
	return ok
}

// add revokes id until expires and writes the list (when it has a file).
func (r *revocations) add(id string, expires time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[id] = expires.Unix()
	now := r.now().Unix()
	for k, exp := range r.m {
		if exp < now {
			delete(r.m, k)
		}
	}
	if r.path == "" {
		return nil
	}
	data, _ := json.Marshal(r.m)
	if err := writePrivate(r.path, data); err != nil {
		return fmt.Errorf("the sign-out holds until restart, but was not saved to %s: %w", r.path, err)
	}
	return nil
}
