package config

import (
	"fmt"
	"io"
	"os"
)

// Size caps of the files the configuration reads. A universe of every US
// listing is well under 1 MiB; the caps only stop a wrong path (a device, a
// log file) from being read into memory without end.
const (
	MaxUniverseFileSize = 8 << 20
	MaxDotEnvSize       = 1 << 20
)

// readFile reads UNIVERSE_FILE; a variable so the fuzz target can feed the
// configuration without a file system round trip per input.
var readFile = readSmallFile

// readSmallFile reads a regular file of at most limit bytes. Devices, FIFOs
// and directories are refused before they are opened (reading /dev/zero
// never ends; opening a FIFO blocks until someone writes).
func readSmallFile(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s): give the path of a file", fileKind(st.Mode()))
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%d bytes, more than the %d-byte limit", st.Size(), limit)
	}
	f, err := os.Open(path) //nolint:gosec // G304: a configuration file the operator chose
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have grown (or been swapped) since the Stat.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("more than the %d-byte limit", limit)
	}
	return data, nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0, m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}
