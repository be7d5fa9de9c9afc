// Package tickstest holds test inputs for the tick codec and the monitor.
package tickstest

import "strings"

// maxPayload mirrors ticks.MaxPayload (4 KiB) without importing it.
const maxPayload = 4 << 10

// Malformed is a corpus of Redis messages that must be counted as invalid:
// at least 30 kinds (not JSON, wrong types, missing or bad fields, out of
// range numbers, invalid UTF-8, oversized).
var Malformed = []string{
	``, `   `, `null`, `[]`, `"AAPL"`, `42`, `not json`, `{`, `{"symbol":"AAPL"`,
	`{"price":1}`, `{"symbol":"","price":1}`, `{"symbol":"THIS_IS_TOO_LONG","price":1}`,
	`{"symbol":"AA PL","price":1}`, `{"symbol":"AAPL"}`, `{"symbol":"AAPL","price":null}`,
	`{"symbol":"AAPL","price":-1}`, `{"symbol":"AAPL","price":"NaN"}`, `{"symbol":"AAPL","price":"Infinity"}`,
	`{"symbol":"AAPL","price":1e999}`, `{"symbol":"AAPL","price":true}`, `{"symbol":"AAPL","price":{}}`,
	`{"symbol":"AAPL","price":1,"volume":-5}`, `{"symbol":"AAPL","price":1,"volume":1.5}`,
	`{"symbol":"AAPL","price":1,"volume":1e300}`, `{"symbol":"AAPL","price":1,"timestamp":-1}`,
	`{"symbol":"AAPL","price":1,"timestamp":"yesterday"}`, `{"symbol":7,"price":1}`,
	`{"type":"heartbeat","symbol":"AAPL","price":1}`, `{"event_type":"news","ticker":"AAPL","price":1}`,
	"{\"symbol\":\"AAPL\xff\",\"price\":1}", `{"symbol":"AAPL","price":1,"volume":"lots"}`,
	`{"symbol":"AAPL","price":"1,000"}`, `{"ticker":["AAPL"],"price":1}`,
	`{"symbol":"AAPL","price":1}` + strings.Repeat(" ", maxPayload),
}
