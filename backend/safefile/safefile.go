// Package safefile reads the files an operator names (TLS certificates and
// keys, the users file, the universe file, .env, profiles.json): one reader
// that refuses what is not a regular file before any open that could block,
// caps the size, and names the variable in every error.
//
// Reading /dev/zero never ends; opening a FIFO for reading blocks until a
// writer appears, and a blocked open(2) ignores every context and signal
// handler in the process. So the path is checked with stat first, then opened
// with O_NONBLOCK (which a FIFO swapped in after the stat cannot block) and
// checked again on the open descriptor.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Size caps for the callers' kinds of file. A PEM bundle of every public CA
// is about 200 KiB; a users file of a thousand accounts about 100 KiB.
const (
	MaxPEM   = 1 << 20
	MaxUsers = 1 << 20
	MaxJSON  = 4 << 20 // the window's own files (profiles.json)
)

// Error is a refused or failed read: Name is the variable (or the file's
// role, such as ".env"), Path the file, Reason what is wrong and what to do.
type Error struct {
	Name, Path, Reason string
	Err                error // the underlying error, if any (fs.ErrNotExist, …)
}

func (e *Error) Error() string {
	if isVariable(e.Name) {
		return fmt.Sprintf("%s=%q: %s", e.Name, e.Path, e.Reason)
	}
	return fmt.Sprintf("%s %q: %s", e.Name, e.Path, e.Reason)
}

// isVariable: an environment variable's name (ADMIN_USERS_FILE), not a
// file's role (.env, "the profiles file").
func isVariable(name string) bool {
	for _, r := range name {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return name != ""
}

// Regular checks, without opening it, that an existing path is a regular
// file: for files opened by a library (SQLite) that would block on a FIFO.
// A missing path is not an error (the library creates it).
func Regular(name, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &Error{Name: name, Path: path, Reason: reasonOf(err), Err: err}
	}
	if !st.Mode().IsRegular() {
		return &Error{Name: name, Path: path, Reason: fmt.Sprintf("not a regular file (%s): give the path of a file", Kind(st.Mode()))}
	}
	return nil
}

func (e *Error) Unwrap() error { return e.Err }

// Read returns the content of the regular file at path, at most limit bytes.
// name is the variable that gave the path; every error is an *Error naming
// it. A missing file is an error wrapping fs.ErrNotExist.
func Read(name, path string, limit int64) ([]byte, error) {
	fail := func(reason string, err error) ([]byte, error) {
		return nil, &Error{Name: name, Path: path, Reason: reason, Err: err}
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(reasonOf(err), err)
	}
	if why := refuse(st, limit); why != "" {
		return fail(why, nil)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0) //nolint:gosec // G304: a file the operator names
	if err != nil {
		return fail(reasonOf(err), err)
	}
	defer f.Close()
	// The path may have been swapped (for a FIFO, a device) since the stat.
	if st, err = f.Stat(); err != nil {
		return fail(reasonOf(err), err)
	}
	if why := refuse(st, limit); why != "" {
		return fail(why, nil)
	}
	// A regular file may still grow after the stat: read one byte past the cap.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return fail(reasonOf(err), err)
	}
	if int64(len(data)) > limit {
		return fail(fmt.Sprintf("more than the %d-byte limit", limit), nil)
	}
	return data, nil
}

// refuse says why st cannot be read, "" when it can.
func refuse(st fs.FileInfo, limit int64) string {
	if !st.Mode().IsRegular() {
		return fmt.Sprintf("not a regular file (%s): give the path of a file", Kind(st.Mode()))
	}
	if st.Size() > limit {
		return fmt.Sprintf("%d bytes, more than the %d-byte limit", st.Size(), limit)
	}
	return ""
}

// Kind names a file mode for an operator: "a directory", "a named pipe", …
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}

// reasonOf is the operating system's error without the path, which Error
// already carries.
func reasonOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}
