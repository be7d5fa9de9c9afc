package service

import (
	"testing"

	"github.com/tickstock/monitor/backend/adminapi"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/keyringtest"
	"github.com/tickstock/monitor/internal/redistest"
)

// A mistyped password with Remember ticked is not kept in the keyring (it
// was, before the server had said it was wrong); the right one is.
func TestOnlyAnAcceptedPasswordIsRemembered(t *testing.T) {
	keyringtest.Require(t)
	srv := redistest.Start(t)
	url, _ := ingestServer(t, srv.URL, redistest.Channel(t))
	key := secrets.RemoteProfile(url, "admin@x.io")
	t.Cleanup(func() { secrets.Delete(key, secrets.AdminPassword) })
	s := open(t, map[string]string{"TICKSTOCK_MODE": "remote", "TICKSTOCK_REMOTE_URL": url, "TICKSTOCK_ADMIN_EMAIL": "admin@x.io", "REDIS_URL": srv.URL}, Options{})
	if err := s.SignIn("Wr0ng-typed-password", true); err != nil {
		t.Fatalf("a wrong password: %v (the panel says it is wrong; no error of its own)", err)
	}
	if remoteState(s) != wire.StateWrongCredentials {
		t.Fatalf("SignIn returned before the server's answer: state %q", remoteState(s))
	}
	if pw, err := secrets.Get(key, secrets.AdminPassword); err == nil {
		t.Fatalf("the wrong password %q was kept in the keyring", pw)
	}
	if err := s.SignIn(adminPassword(adminapi.RoleAdmin), true); err != nil {
		t.Fatal(err)
	}
	if pw, err := secrets.Get(key, secrets.AdminPassword); err != nil || pw != adminPassword(adminapi.RoleAdmin) {
		t.Fatalf("the right password was not remembered: %q %v", pw, err)
	}
}
