package wire

import "strconv"

// Slots is the number of connection slots (the window's columns).
const Slots = 3

// slotPrefix is the part of a slot ID before its number.
const slotPrefix = "connection_"

// SlotIDs are the slots' IDs in column order.
var SlotIDs = [Slots]string{"connection_1", "connection_2", "connection_3"}

// SlotID returns the ID of slot n (1..Slots), e.g. "connection_2".
// It panics on any other n: slot numbers come from loops over Slots.
func SlotID(n int) string {
	if n < 1 || n > Slots {
		panic("wire: slot " + strconv.Itoa(n) + " is not 1.." + strconv.Itoa(Slots))
	}
	return SlotIDs[n-1]
}

// ParseSlot returns the number (1..Slots) of a slot ID; ok is false for
// anything that is not exactly one of SlotIDs (no spaces, no leading zeros,
// no other case).
func ParseSlot(id string) (n int, ok bool) {
	if len(id) != len(slotPrefix)+1 || id[:len(slotPrefix)] != slotPrefix {
		return 0, false
	}
	d := id[len(slotPrefix)]
	if d < '1' || d > '0'+Slots {
		return 0, false
	}
	return int(d - '0'), true
}

// IsSlot reports whether id is one of SlotIDs.
func IsSlot(id string) bool {
	_, ok := ParseSlot(id)
	return ok
}

// SlotLabel is how a sentence names a slot: "Connection 2" for
// "connection_2". Any other ID is returned as it is, so a message about an
// unexpected connection still names it.
func SlotLabel(id string) string {
	if n, ok := ParseSlot(id); ok {
		return "Connection " + strconv.Itoa(n)
	}
	return id
}
