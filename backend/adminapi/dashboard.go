package adminapi

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"github.com/tickstock/monitor/backend/wire"
)

// DashboardPath is where the browser dashboard lives (the path of the
// TickStockAppV2 page it replaces).
const DashboardPath = "/admin/websockets"

// routeDashboard adds the browser dashboard and the calls that only it
// makes. The page and its scripts are served to anyone (they hold no data):
// the page itself asks GET /api/admin/session and shows the sign-in panel,
// or says the account is not an admin; every figure comes from the
// admin-only routes and /admin-ws.
func (s *Server) routeDashboard() {
	s.mux.HandleFunc("GET "+DashboardPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		// The page's scripts are relative (./assets/…): they need the slash.
		http.Redirect(w, r, DashboardPath+"/", http.StatusMovedPermanently)
	})
	s.mux.Handle("GET "+DashboardPath+"/", oneShot(s.dashboardFiles()))
	s.mux.HandleFunc("GET /api/admin/session", oneShot(http.HandlerFunc(s.session)).ServeHTTP)
	s.mux.HandleFunc("GET /api/admin/info", s.adminJSON(func(*http.Request) any {
		if s.opts.Info == nil {
			return wire.Info{Warnings: []string{}}
		}
		return s.opts.Info()
	}))
	s.mux.HandleFunc("GET /api/admin/source", s.adminJSON(func(*http.Request) any {
		st, ok := s.Source()
		if !ok {
			return wire.SubscriptionState{State: wire.SubscriptionConnecting, Detail: "The server's tick monitor has not reported yet.", Feed: wire.FeedRedis}
		}
		return st
	}))
	s.mux.HandleFunc("GET /api/admin/lookup", s.adminJSON(func(r *http.Request) any {
		if s.opts.Lookup == nil {
			return wire.Lookup{Symbol: r.FormValue("symbol"), Message: "This server cannot look symbols up."}
		}
		return s.opts.Lookup(r.FormValue("symbol"))
	}))
}

// oneShot closes the connection after the response. A tab makes these
// requests once, at load, and then lives on its push stream: a kept-alive
// socket would idle beside it for IdleTimeout, and a browser caps all its
// sockets together (Chromium: 256), so 100 tabs of one browser would run
// out of sockets (measured: at 60–80 tabs) and hold the server's
// descriptors meanwhile.
func oneShot(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		h.ServeHTTP(w, r)
	})
}

// adminJSON answers with f's value for a signed-in admin (401/403 JSON
// otherwise), closing the connection (oneShot).
func (s *Server) adminJSON(f func(*http.Request) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		if _, ok := s.authorize(w, r); !ok {
			return
		}
		writeJSON(w, http.StatusOK, f(r))
	}
}

// session says who is signed in (any role), so the page can tell "sign in"
// from "not an admin"; 401 when nobody is.
func (s *Server) session(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		writeError(w, http.StatusUnauthorized, "not signed in")
		return
	}
	ss, why := s.sessions.check(c.Value)
	if why != "" {
		writeError(w, http.StatusUnauthorized, why)
		return
	}
	writeJSON(w, http.StatusOK, wire.Session{Email: ss.email, Role: string(ss.role), Admin: ss.role.IsAdmin(), Expires: wire.Unix(ss.expires)})
}

// dashboardFiles serves the built frontend, or a page that says it was not
// built (a binary compiled before `vite build` embeds only a placeholder).
func (s *Server) dashboardFiles() http.Handler {
	built := s.opts.Dashboard != nil
	if built {
		if _, err := fs.Stat(s.opts.Dashboard, "index.html"); err != nil {
			built = false
		}
	}
	if !built {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(notBuiltPage))
		})
	}
	index := browserPage(s.opts.Dashboard)
	csp := contentSecurityPolicy(index)
	files := http.StripPrefix(DashboardPath+"/", http.FileServerFS(s.opts.Dashboard))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY") // no other site frames the admin page
		h.Set("Referrer-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, DashboardPath+"/assets/") {
			// Vite names assets by content hash: they never change.
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if r.URL.Path == DashboardPath+"/" {
			h.Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(index)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/") {
			// A directory (assets/): the file server would list it.
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// inlineScript matches a <script> without src and its content.
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// contentSecurityPolicy is the dashboard's policy: its own scripts (the
// bundle, and the page's inline error reporter by its hash), styles (Svelte
// sets style attributes), fetches and push stream from this server only; no
// plugins, frames, foreign forms or base URL. An injected script runs nowhere.
func contentSecurityPolicy(page []byte) string {
	scripts := "'self'"
	for _, m := range inlineScript.FindAllSubmatch(page, -1) {
		sum := sha256.Sum256(m[1])
		scripts += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	}
	return "default-src 'none'; script-src " + scripts + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"font-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
}

// shellMeta tells the page it runs in a browser tab, served by this
// server: its bridge then speaks HTTP and /admin-ws (frontend/src/lib/shell.ts).
const shellMeta = `<meta name="tickstock-shell" content="browser">`

// browserPage is the built index.html with shellMeta at the top of <head>.
func browserPage(dist fs.FS) []byte {
	b, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		return nil
	}
	page := string(b)
	if i := strings.Index(page, "<head>"); i >= 0 {
		return []byte(page[:i+len("<head>")] + "\n    " + shellMeta + page[i+len("<head>"):])
	}
	return []byte(shellMeta + page)
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard not built — TickStock</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em">
<h1>Dashboard not built</h1>
<p>This tickstock-ingest was compiled without the web dashboard: its <code>frontend/dist</code> held only the placeholder.</p>
<p>Build the frontend, then the server: <code>(cd frontend &amp;&amp; npx vite build) &amp;&amp; go build ./cmd/tickstock-ingest</code>.</p>
<p>The admin API (<code>/api/admin/websocket-status</code>, <code>/admin-ws</code>) works without it.</p>
</body></html>
`
