package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tickstock/monitor/backend/wire"
)

// ReconnectNow asks the server to cut connection id's backoff wait short:
// serve's POST /api/admin/connections/{id}/reconnect with the session. A
// server without that route (TickStockAppV2) is said by name.
func (c *Client) ReconnectNow(ctx context.Context, id string) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", c.base.String()+"/api/admin/connections/"+id+"/reconnect", nil)
	req.Header.Set("Accept", "application/json")
	a, err := c.do(req)
	if err != nil {
		return err
	}
	if a.status == http.StatusOK {
		return nil
	}
	var b struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(a.body, &b) != nil || b.Message == "" {
		if c.kind == KindTSV2 || a.status == http.StatusNotFound || a.status == http.StatusFound {
			return fmt.Errorf("%s does not offer \"reconnect now\": its connections retry on their own schedule", c.URL())
		}
		return fmt.Errorf("the server answered %s to \"reconnect now\"", a.statusText)
	}
	return fmt.Errorf("%s: %s", wire.SlotLabel(id), b.Message)
}

// ReconnectNow asks the observed server to cut connection id's backoff
// wait short (admins only, as every call of this observer).
func (o *Observer) ReconnectNow(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return o.client.ReconnectNow(ctx, id)
}
