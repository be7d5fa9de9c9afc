package remote

import (
	"encoding/json"

	"github.com/tickstock/monitor/backend/verdict"
)

// ServerVerdict is the verdict the server sent with its newest status
// answer: serve judges what only it can see (whether its ticks reach
// Redis). ok is false when the server sent none (TickStockAppV2, or serve
// before verdicts) or it did not decode as one; then the caller judges the
// snapshot itself.
func (c *Client) ServerVerdict() (v verdict.Verdict, ok bool) {
	raw := c.verdict.Load()
	if raw == nil || len(*raw) == 0 || string(*raw) == "null" {
		return v, false
	}
	if err := json.Unmarshal(*raw, &v); err != nil {
		return verdict.Verdict{}, false
	}
	switch v.Level {
	case verdict.OK, verdict.Degraded, verdict.Down, verdict.Unknown:
		return v, v.Sentence != ""
	}
	return verdict.Verdict{}, false
}

// ServerVerdict is the observed server's own verdict, from its newest
// status answer or push (Client.ServerVerdict).
func (o *Observer) ServerVerdict() (verdict.Verdict, bool) { return o.client.ServerVerdict() }
