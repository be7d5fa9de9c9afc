package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 25 item 9: a missing admin certificate was found by ServeTLS after
// "admin API on https://…" was printed; serve exited 1 (systemd restarts it
// in a loop) naming no variable. It is now a configuration error: exit 2,
// the variable named, nothing announced.
func TestServeRefusesAMissingAdminCertificate(t *testing.T) {
	dir := t.TempDir()
	usersFile := filepath.Join(dir, "users.json")
	os.WriteFile(usersFile, usersJSON(t), 0o600)
	missing := filepath.Join(dir, "cert.pem")
	for k, v := range map[string]string{"TICKSTOCK_MODE": "demo", "ADMIN_LISTEN_ADDR": "127.0.0.1:0", "ADMIN_USERS_FILE": usersFile,
		"ADMIN_TLS_CERT": missing, "ADMIN_TLS_KEY": filepath.Join(dir, "key.pem")} {
		t.Setenv(k, v)
	}
	var out, errb strings.Builder
	code := run(context.Background(), []string{"serve", "--env-dir", dir}, nil, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "configuration error: ADMIN_TLS_CERT=") || out.String() != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}
