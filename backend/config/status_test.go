package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminTLSNeedsBothFilesOrNeither(t *testing.T) {
	for _, tc := range []struct {
		env        map[string]string
		cert, key  string
		wantErrMsg string
	}{
		{env: nil},
		{env: map[string]string{"ADMIN_TLS_CERT": "c.pem", "ADMIN_TLS_KEY": "k.pem"}, cert: "c.pem", key: "k.pem"},
		{env: map[string]string{"ADMIN_TLS_CERT": "c.pem"}, wantErrMsg: "set both ADMIN_TLS_CERT and ADMIN_TLS_KEY, or neither"},
		{env: map[string]string{"ADMIN_TLS_KEY": "k.pem"}, wantErrMsg: "set both ADMIN_TLS_CERT and ADMIN_TLS_KEY, or neither"},
	} {
		c, err := FromLookup(env(tc.env))
		if err != nil {
			t.Fatalf("%v: a half-set TLS pair must not fail the whole configuration (only serve uses it): %v", tc.env, err)
		}
		cert, key, err := c.AdminTLS()
		if tc.wantErrMsg != "" {
			if err == nil || err.Error() != tc.wantErrMsg {
				t.Errorf("%v: err %v, want %q", tc.env, err, tc.wantErrMsg)
			}
			continue
		}
		if err != nil || cert != tc.cert || key != tc.key {
			t.Errorf("%v: %q %q %v", tc.env, cert, key, err)
		}
	}
}

func TestStatusSettingsFromDotEnvAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	dotenv := "TICKSTOCK_REMOTE_URL=http://127.0.0.1:8765\nTICKSTOCK_ADMIN_EMAIL=ops@example.com\nTICKSTOCK_ADMIN_PASSWORD=from-the-file\n"
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(dotenv), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TICKSTOCK_REMOTE_URL", "")
	os.Unsetenv("TICKSTOCK_REMOTE_URL")
	t.Setenv("TICKSTOCK_ADMIN_EMAIL", "env@example.com") // the environment wins
	t.Setenv(EnvAdminPassword, "")
	os.Unsetenv(EnvAdminPassword)
	s, err := LoadStatus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.RemoteURL != "http://127.0.0.1:8765" || s.AdminEmail != "env@example.com" {
		t.Errorf("settings %+v", s)
	}
	if s.AdminPassword != "" {
		t.Errorf("the admin password was read from .env; it must come from the environment only")
	}
	t.Setenv(EnvAdminPassword, "from-env")
	if s, _ = LoadStatus(dir); s.AdminPassword != "from-env" {
		t.Errorf("password %q, want the environment's", s.AdminPassword)
	}
}

func TestStatusSettingsReportABadDotEnv(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("NOT A LINE\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadStatus(dir); err == nil || !strings.Contains(err.Error(), ".env") {
		t.Errorf("err %v, want one that names .env", err)
	}
}
