package remote

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/internal/admintest"
)

// The window observing serve asks it to reconnect a connection now; serve's
// answer (done, or why not) comes back in words.
func TestReconnectNowThroughServesAdminAPI(t *testing.T) {
	var asked []string
	api := adminapi.New(adminapi.Options{Users: users(t), Snapshots: admintest.NewHealth(snapshot(2)), Reconnect: func(id string) error {
		asked = append(asked, id)
		if id == "connection_2" {
			return errors.New("Connection 2 is not waiting for a retry")
		}
		return nil
	}})
	hs := httptest.NewServer(api.Handler())
	defer hs.Close()
	c, err := NewClient(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.ReconnectNow(ctx, "connection_1"); err == nil || !strings.Contains(err.Error(), "not signed in") {
		t.Fatalf("before sign-in: %v", err)
	}
	if err := c.Login(ctx, "admin@x.io", "pw-admin"); err != nil {
		t.Fatal(err)
	}
	if err := c.ReconnectNow(ctx, "connection_1"); err != nil {
		t.Fatal(err)
	}
	if err := c.ReconnectNow(ctx, "connection_2"); err == nil || !strings.Contains(err.Error(), "not waiting for a retry") {
		t.Fatalf("not waiting: %v", err)
	}
	if strings.Join(asked, ",") != "connection_1,connection_2" {
		t.Fatalf("serve was asked for %v", asked)
	}
}
