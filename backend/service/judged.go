package service

import "github.com/tickstock/monitor/backend/verdict"

// judged is the session's verdict for the alerts; nil until the verdict
// is wired (the verdict branch's (*Service).Verdict replaces this).
func (s *Service) judged() *verdict.Verdict { return nil }
