package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/tickstock/monitor/internal/redistest"
)

func TestAdminTLSNeedsBothFilesOrNeither(t *testing.T) {
	files := redistest.NewTLS(t, t.TempDir(), "admin")
	for _, tc := range []struct {
		env        map[string]string
		wantCert   bool
		wantErrMsg string
	}{
		{env: nil},
		{env: map[string]string{"ADMIN_TLS_CERT": files.ServerCert, "ADMIN_TLS_KEY": files.ServerKey}, wantCert: true},
		{env: map[string]string{"ADMIN_TLS_CERT": "c.pem"}, wantErrMsg: "set both ADMIN_TLS_CERT and ADMIN_TLS_KEY, or neither"},
		{env: map[string]string{"ADMIN_TLS_KEY": "k.pem"}, wantErrMsg: "set both ADMIN_TLS_CERT and ADMIN_TLS_KEY, or neither"},
	} {
		c, err := FromLookup(env(tc.env))
		if err != nil {
			t.Fatalf("%v: a half-set TLS pair must not fail the whole configuration (only serve uses it): %v", tc.env, err)
		}
		cert, err := c.AdminTLS()
		if tc.wantErrMsg != "" {
			if err == nil || err.Error() != tc.wantErrMsg {
				t.Errorf("%v: err %v, want %q", tc.env, err, tc.wantErrMsg)
			}
			continue
		}
		if err != nil || (cert != nil) != tc.wantCert {
			t.Errorf("%v: certificate %v, %v", tc.env, cert != nil, err)
		}
	}
}

// Issue 25 item 9: a missing admin certificate was found only when serve
// was already announcing HTTPS, and the error named no variable.
func TestAdminTLSFilesAreLoadedNamingTheVariable(t *testing.T) {
	files := redistest.NewTLS(t, t.TempDir(), "admin")
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ cert, key, want string }{
		{filepath.Join(dir, "missing.pem"), files.ServerKey, `ADMIN_TLS_CERT="` + filepath.Join(dir, "missing.pem") + `": no such file`},
		{files.ServerCert, "/dev/zero", `ADMIN_TLS_KEY="/dev/zero": not a regular file (a device)`},
		{fifo, files.ServerKey, "ADMIN_TLS_CERT=" + strconv.Quote(fifo) + ": not a regular file (a named pipe)"},
		{files.ServerCert, files.ClientKey, "ADMIN_TLS_CERT=" + strconv.Quote(files.ServerCert) + " / ADMIN_TLS_KEY=" + strconv.Quote(files.ClientKey)},
	} {
		c, err := FromLookup(env(map[string]string{"ADMIN_TLS_CERT": tc.cert, "ADMIN_TLS_KEY": tc.key}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AdminTLS(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s + %s: %v, want %q", tc.cert, tc.key, err, tc.want)
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
