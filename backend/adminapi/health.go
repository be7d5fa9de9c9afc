package adminapi

import (
	"maps"
	"net/http"

	"github.com/tickstock/monitor/backend/verdict"
)

// health answers GET /health: 200 when the verdict is OK or degraded, 503
// when it is down or unknown (a load balancer or uptime check must not
// call healthy a server that cannot say it is). Everyone gets the level,
// its cause and sentence; only a signed-in admin gets the details (the
// verdict's technical detail and connections, which Redis answers),
// because they say where the data plane lives.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	h := map[string]any{"status": "ok"}
	code := http.StatusOK
	var v *verdict.Verdict
	if s.opts.Verdict != nil {
		j := s.opts.Verdict()
		v, code = &j, verdict.HTTPCode(j.Level)
		h = map[string]any{"status": j.Level, "verdict": j.Level, "cause": j.Cause, "sentence": j.Sentence, "since": j.Since}
	}
	if s.isAdmin(r) {
		if s.opts.Health != nil {
			maps.Copy(h, s.opts.Health())
		}
		if v != nil {
			h["details"] = v
		}
	}
	writeJSON(w, code, h)
}

// isAdmin reports whether r carries a live admin session.
func (s *Server) isAdmin(r *http.Request) bool {
	c, err := r.Cookie(CookieName)
	return err == nil && s.adminSession(c.Value)
}
