//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 25 items 1 and 2: REDIS_TLS_CA=/dev/zero grew to 23.9 GB; a FIFO as
// ADMIN_USERS_FILE hung start-up in open(2). Each is refused, naming the
// variable, without blocking.
func TestOnlySmallRegularFilesAreRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.pem")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxPEM + 1) // sparse: no disk used
	f.Close()
	for path, want := range map[string]string{
		"/dev/zero": "a device", dir: "a directory", fifo: "a named pipe", big: "limit",
		filepath.Join(dir, "missing"): "no such file",
	} {
		done := make(chan error, 1)
		go func() {
			_, err := Read("REDIS_TLS_CA", path, MaxPEM)
			done <- err
		}()
		select {
		case err := <-done:
			var fe *Error
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "REDIS_TLS_CA=") || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want an *Error naming REDIS_TLS_CA and saying %q", path, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10 s", path)
		}
	}
	if _, err := Read("X", filepath.Join(dir, "missing"), 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestARegularFileIsReadWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(path, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := Read("ADMIN_USERS_FILE", path, 2)
	if err != nil || string(data) != "[]" {
		t.Fatalf("%q, %v", data, err)
	}
	if _, err := Read("ADMIN_USERS_FILE", path, 1); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("over the limit: %v", err)
	}
}
