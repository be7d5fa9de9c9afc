package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tickstock/monitor/internal/promtest"
	"github.com/tickstock/monitor/internal/redistest"
	"github.com/tickstock/monitor/internal/wait"
)

var metricsLine = regexp.MustCompile(`Prometheus metrics on (http://\S+/metrics)`)

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

// run and serve both serve /metrics on METRICS_LISTEN_ADDR, and the scrape
// passes promtool; serve's /health says which Redis answers.
func TestMetricsFromRunAndServe(t *testing.T) {
	for _, cmd := range []string{"run", "serve"} {
		t.Run(cmd, func(t *testing.T) {
			srv := redistest.Start(t)
			dir := t.TempDir()
			usersFile := filepath.Join(dir, "users.json")
			os.WriteFile(usersFile, usersJSON(t), 0o600)
			for k, v := range map[string]string{"TICKSTOCK_MODE": "demo", "REDIS_URL": srv.URL, "ADMIN_LISTEN_ADDR": "127.0.0.1:0",
				"ADMIN_USERS_FILE": usersFile, "METRICS_LISTEN_ADDR": "127.0.0.1:0"} {
				t.Setenv(k, v)
			}
			ctx, cancel := context.WithCancel(context.Background())
			var logs syncBuffer
			pr, pw := io.Pipe()
			done := make(chan int)
			go func() { done <- run(ctx, []string{cmd, "--env-dir", dir}, nil, pw, &logs) }()
			apiLine := make(chan string, 1)
			go func() {
				br := bufio.NewReader(pr)
				l, _ := br.ReadString('\n')
				apiLine <- l
				io.Copy(io.Discard, br)
			}()
			defer func() {
				cancel()
				if rc := <-done; rc != 0 {
					t.Errorf("%s exited %d", cmd, rc)
				}
				pw.Close()
			}()
			wait.For(t, "the metrics address in the log", 10*time.Second, func() bool { return metricsLine.MatchString(logs.String()) })
			url := metricsLine.FindStringSubmatch(logs.String())[1]
			var text string
			wait.For(t, "three connections connected and publishing in the scrape", 10*time.Second, func() bool {
				text = get(t, url)
				return strings.Count(text, `status="connected"} 1`) == 3 && strings.Contains(text, "\ntickstock_redis_publishing 1\n") &&
					strings.Contains(text, `tickstock_verdict{cause="healthy",level="ok"} 1`)
			})
			promtest.CheckMetrics(t, text)
			if !strings.Contains(text, `tickstock_redis_info{kind="standalone",node="`+srv.Addr+`"} 1`) {
				t.Errorf("redis_info:\n%s", text)
			}
			if cmd != "serve" {
				return
			}
			base := strings.Fields(strings.TrimPrefix(<-apiLine, "admin API on "))[0]
			// Anonymous: the verdict and its sentence, nothing about where Redis is.
			anon := get(t, base+"/health")
			var h struct {
				Status, Verdict, Sentence string
				Redis                     *struct {
					Kind, Node string
					Publishing bool
				}
			}
			if err := json.Unmarshal([]byte(anon), &h); err != nil || h.Status != "ok" || h.Verdict != "ok" || h.Sentence == "" ||
				h.Redis != nil || strings.Contains(anon, srv.Addr) {
				t.Errorf("anonymous /health: %s %v", anon, err)
			}
			// A signed-in admin gets which Redis answers.
			jar, _ := cookiejar.New(nil)
			admin := &http.Client{Jar: jar, Timeout: 5 * time.Second}
			if resp, err := admin.PostForm(base+"/login", neturl.Values{"email": {"admin@x.io"}, "password": {"pw-admin"}}); err != nil || resp.StatusCode != 200 {
				t.Fatalf("login: %v %v", resp, err)
			}
			resp, err := admin.Get(base + "/health")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || h.Redis == nil ||
				h.Redis.Kind != "standalone" || h.Redis.Node != srv.Addr || !h.Redis.Publishing {
				t.Errorf("admin /health: %+v %v", h, err)
			}
		})
	}
}

func TestMetricsAddressInUseIsNamed(t *testing.T) {
	srv := redistest.Start(t)
	l, _ := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	defer l.Close()
	t.Setenv("TICKSTOCK_MODE", "demo")
	t.Setenv("REDIS_URL", srv.URL)
	t.Setenv("METRICS_LISTEN_ADDR", l.Addr().String())
	code, _, errs := runCmd(context.Background(), "run", "--env-dir", t.TempDir())
	if code != 1 || !strings.Contains(errs, "METRICS_LISTEN_ADDR=\""+l.Addr().String()+"\"") {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
}
