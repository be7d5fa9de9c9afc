package packaging

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tickstock/monitor/backend/metrics"
	"github.com/tickstock/monitor/backend/redisbus"
	"github.com/tickstock/monitor/backend/wire"
	"github.com/tickstock/monitor/internal/promtest"
)

// need skips (fails under CI=true) when a program is missing.
func need(t *testing.T, prog, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(prog); err != nil {
		msg := prog + " is not installed; run scripts/setup (Debian package " + pkg + ")"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

func TestAlertRules(t *testing.T) {
	promtest.Run(t, "check", "rules", root+"deploy/alerts.yml")
	// The rules' own unit tests: each alert fires when it should and not before.
	out := promtest.Run(t, "test", "rules", root+"deploy/alerts_test.yml")
	if !strings.Contains(out, "SUCCESS") {
		t.Fatalf("promtool test rules:\n%s", out)
	}
}

// exposed is every metric name the server exposes (the collector's, Go's,
// the process's), from a real registry.
func exposed(t *testing.T) map[string]bool {
	t.Helper()
	p, err := redisbus.NewPublisher(redisbus.PublisherOptions{URL: "redis://127.0.0.1:1/0", Channel: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	reg := metrics.NewRegistry(metrics.Options{Publisher: p, Snapshot: func() wire.Snapshot {
		return wire.Snapshot{Connections: map[string]wire.Connection{"connection_1": {Status: wire.StatusConnected}}}
	}})
	return names(t, reg)
}

func names(t *testing.T, reg *prometheus.Registry) map[string]bool {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, mf := range mfs {
		out[mf.GetName()] = true
	}
	return out
}

var metricName = regexp.MustCompile(`\b(?:tickstock|go|process)_[a-zA-Z0-9_]+`)

// Every metric the dashboard and the alerts query exists: a renamed metric
// cannot leave an empty panel or a silent alert behind.
func TestDashboardAndAlertsQueryRealMetrics(t *testing.T) {
	have := exposed(t)
	data, err := os.ReadFile(root + "deploy/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID, Title string
		Panels     []struct {
			Type, Title string
			Targets     []struct{ Expr string }
		}
		Templating struct {
			List []struct{ Definition string }
		}
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	if dash.UID == "" || dash.Title == "" || len(dash.Panels) < 8 {
		t.Fatalf("dashboard: uid %q title %q, %d panels", dash.UID, dash.Title, len(dash.Panels))
	}
	used := map[string]bool{}
	for _, p := range dash.Panels {
		if p.Type != "row" && len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, n := range metricName.FindAllString(tg.Expr, -1) {
				used[n] = true
				if !have[n] {
					t.Errorf("panel %q queries %s, which the server does not expose", p.Title, n)
				}
			}
		}
	}
	for _, v := range dash.Templating.List {
		for _, n := range metricName.FindAllString(v.Definition, -1) {
			used[n] = true
			if !have[n] {
				t.Errorf("variable query %q uses %s, which the server does not expose", v.Definition, n)
			}
		}
	}
	rules, err := os.ReadFile(root + "deploy/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(rules), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.Contains(line, "description:") {
			continue
		}
		for _, n := range metricName.FindAllString(line, -1) {
			if !have[n] {
				t.Errorf("alerts.yml queries %s, which the server does not expose", n)
			}
		}
	}
	// Every TickStock metric has a place on the dashboard.
	var missing []string
	for n := range have {
		if strings.HasPrefix(n, "tickstock_") && !used[n] && n != "tickstock_connection_info" {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("not on the dashboard: %v", missing)
	}
}

// The unit passes systemd-analyze verify (warnings included) with the path
// of a real tickstock-ingest binary, and its offline security score stays
// low. No running systemd is needed.
func TestSystemdUnit(t *testing.T) {
	need(t, "systemd-analyze", "systemd")
	unit, err := os.ReadFile(root + "deploy/tickstock-ingest.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"User=tickstock", "ProtectSystem=strict", "NoNewPrivileges=yes", "EnvironmentFile=/etc/tickstock/ingest.env",
		"Restart=on-failure", "RestartPreventExitStatus=2", "ExecStart=/usr/bin/tickstock-ingest serve "} {
		if !strings.Contains(string(unit), "\n"+want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	if testing.Short() {
		t.Skip("-short: the unit's lines are checked; building the binary and systemd-analyze run in make test")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tickstock-ingest")
	build := exec.Command("go", "build", "-o", bin, "./cmd/tickstock-ingest")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "tickstock-ingest.service")
	text := strings.ReplaceAll(string(unit), "/usr/bin/tickstock-ingest", bin)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) != 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = exec.Command("systemd-analyze", "security", "--offline=yes", "--threshold=20", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: exposure above 2.0: %v\n%s", err, out)
	}
	score := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+) (\S+)`).FindStringSubmatch(string(out))
	if score == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	t.Logf("systemd-analyze security: exposure %s %s", score[1], score[2])
}
