package history

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// Export writes entries as CSV (a header row, RFC 3339 UTC times) or as a
// JSON array.
func Export(w io.Writer, format string, entries []wire.Entry) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case FormatCSV:
		c := csv.NewWriter(w)
		_ = c.Write([]string{"time", "connection", "kind", "alert", "from", "to", "cause", "duration_s", "reconnects", "notified", "note", "message", "incident", "level"})
		for _, e := range entries {
			_ = c.Write([]string{
				e.Time().UTC().Format(time.RFC3339Nano), e.Connection, string(e.Kind), string(e.Alert), e.From, e.To, e.Cause,
				strconv.FormatFloat(e.Duration, 'f', 3, 64), strconv.FormatInt(e.Reconnects, 10), strconv.FormatBool(e.Notified), e.Note, e.Message,
				incidentTime(e.Incident), e.Level,
			})
		}
		c.Flush()
		return c.Error()
	default:
		return fmt.Errorf("export format %q: choose csv or json", format)
	}
}

// incidentTime is the incident an entry belongs to, by its start, as the
// CSV writes times; "" for none.
func incidentTime(at float64) string {
	if at == 0 {
		return ""
	}
	return wire.Entry{At: at}.Time().UTC().Format(time.RFC3339Nano)
}
