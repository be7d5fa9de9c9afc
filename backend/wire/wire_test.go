package wire

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// The seven words are the contract (ARCHITECTURE, "connection status"):
// a change here changes what every consumer of the snapshot reads.
func TestStatusesAreTheContractWords(t *testing.T) {
	want := []string{"disabled", "connecting", "connected", "disconnected", "error", "auth_failed", "max_connections"}
	var got []string
	for _, s := range Statuses {
		got = append(got, string(s))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Statuses = %v, want %v", got, want)
	}
}

func TestSlotIDsRoundTrip(t *testing.T) {
	for n := 1; n <= Slots; n++ {
		id := SlotID(n)
		if want := "connection_" + string(rune('0'+n)); id != want {
			t.Errorf("SlotID(%d) = %q, want %q", n, id, want)
		}
		if got, ok := ParseSlot(id); !ok || got != n {
			t.Errorf("ParseSlot(%q) = %d, %v; want %d, true", id, got, ok, n)
		}
		if SlotIDs[n-1] != id || !IsSlot(id) {
			t.Errorf("SlotIDs[%d] = %q, IsSlot = %v", n-1, SlotIDs[n-1], IsSlot(id))
		}
	}
}

func TestParseSlotRejectsEverythingElse(t *testing.T) {
	for _, id := range []string{"", "connection_", "connection_0", "connection_4", "connection_01",
		"connection_10", "Connection_1", "connection-1", " connection_1", "connection_1 ", "connection_١", "redis", "remote"} {
		if n, ok := ParseSlot(id); ok {
			t.Errorf("ParseSlot(%q) = %d, true; want false", id, n)
		}
	}
}

func TestSlotIDPanicsOutsideTheSlots(t *testing.T) {
	for _, n := range []int{0, Slots + 1, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SlotID(%d) did not panic", n)
				}
			}()
			SlotID(n)
		}()
	}
}

func TestSlotLabel(t *testing.T) {
	for id, want := range map[string]string{"connection_2": "Connection 2", "redis": "redis", "connection_9": "connection_9"} {
		if got := SlotLabel(id); got != want {
			t.Errorf("SlotLabel(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestUnix(t *testing.T) {
	if got := Unix(time.Time{}); got != 0 {
		t.Errorf("Unix(zero) = %v, want 0 (never)", got)
	}
	at := time.Unix(1705853696, 123_000_000)
	if got := Unix(at); math.Abs(got-1705853696.123) > 1e-6 {
		t.Errorf("Unix = %v, want 1705853696.123", got)
	}
	if got := UnixNano(at.UnixNano()); got != Unix(at) {
		t.Errorf("UnixNano = %v, Unix = %v", got, Unix(at))
	}
	if back := Time(Unix(at)); back.Sub(at).Abs() > time.Microsecond {
		t.Errorf("Time(Unix(t)) = %v, want %v", back, at)
	}
	if Time(math.Inf(1)).Before(at) || Time(math.Inf(-1)).After(at) || !Time(math.NaN()).Equal(time.Unix(0, 0)) {
		t.Errorf("Time does not saturate: +Inf %v, -Inf %v, NaN %v", Time(math.Inf(1)), Time(math.Inf(-1)), Time(math.NaN()))
	}
}

// The JSON names are the contract's; renaming a Go field must not move them.
func TestSnapshotJSONNames(t *testing.T) {
	b, err := json.Marshal(Snapshot{Connections: map[string]Connection{SlotID(1): {Status: StatusConnected, Tickers: []string{}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total_connections", "enabled_connections", "connected_count", "total_ticks_received",
		"total_errors", `"connections":{"connection_1":{`, "name", "enabled", `"status":"connected"`, "universe_key",
		"assigned_tickers", "tickers", "message_count", "error_count", "reconnect_count", "last_message_time",
		"connected_since", "last_error", "status_since", "retry_at", "publish_dropped", "subscribed_channels"} {
		if !strings.Contains(string(b), k) {
			t.Errorf("snapshot JSON has no %s: %s", k, b)
		}
	}
}

// FuzzParseSlot: a slot ID parses back to the ID it was made from, and
// nothing else parses.
func FuzzParseSlot(f *testing.F) {
	for _, s := range []string{"connection_1", "connection_3", "connection_4", "connection_", "connection_01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		n, ok := ParseSlot(id)
		if ok != slices.Contains(SlotIDs[:], id) {
			t.Fatalf("ParseSlot(%q) ok = %v, but SlotIDs contains it: %v", id, ok, !ok)
		}
		if ok && SlotID(n) != id {
			t.Fatalf("SlotID(ParseSlot(%q)) = %q", id, SlotID(n))
		}
		if !ok && n != 0 {
			t.Fatalf("ParseSlot(%q) = %d with ok false", id, n)
		}
		if got := SlotLabel(id); ok != (got != id) {
			t.Fatalf("SlotLabel(%q) = %q", id, got)
		}
	})
}
