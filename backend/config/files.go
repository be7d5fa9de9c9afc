package config

import (
	"errors"

	"github.com/tickstock/monitor/backend/safefile"
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
var readFile = safefile.Read

// fileReason is what is wrong with a file, without the variable and path
// that reader.fail adds itself.
func fileReason(err error) string {
	var fe *safefile.Error
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return err.Error()
}
