package massive

import (
	"encoding/json"
	"strings"
)

// Action is a client message: auth, subscribe or unsubscribe.
type Action struct {
	Action string `json:"action"`
	Params string `json:"params"`
}

// Auth returns the auth action for key.
func Auth(key string) []byte { return mustJSON(Action{Action: "auth", Params: key}) }

// Subscribe returns one subscribe action for channels such as "AM.AAPL".
func Subscribe(channels []string) []byte {
	return mustJSON(Action{Action: "subscribe", Params: strings.Join(channels, ",")})
}

// Unsubscribe returns one unsubscribe action for channels.
func Unsubscribe(channels []string) []byte {
	return mustJSON(Action{Action: "unsubscribe", Params: strings.Join(channels, ",")})
}

// Channels returns event+"."+ticker for each ticker.
func Channels(event string, tickers []string) []string {
	out := make([]string, len(tickers))
	for i, t := range tickers {
		out[i] = event + "." + t
	}
	return out
}

// Chunk splits channels into groups whose comma-joined length stays within
// maxParams bytes, so no subscribe message grows without bound.
func Chunk(channels []string, maxParams int) [][]string {
	var out [][]string
	var cur []string
	size := 0
	for _, c := range channels {
		add := len(c)
		if len(cur) > 0 {
			add++
		}
		if len(cur) > 0 && size+add > maxParams {
			out = append(out, cur)
			cur, size, add = nil, 0, len(c)
		}
		cur = append(cur, c)
		size += add
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// ParseAction decodes a client message (the simulator's side).
func ParseAction(data []byte) (Action, error) {
	var a Action
	err := json.Unmarshal(data, &a)
	return a, err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // Action has only string fields: cannot fail
	}
	return b
}
