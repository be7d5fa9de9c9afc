package redact

import (
	"context"
	"log/slog"
)

// LogHandler wraps h so that no record carries more than MaxLine characters
// of any one text, or a control character: the message and every string,
// error and Stringer attribute pass through Line. Text a provider, a peer or
// a file chose reaches the log in many places; this bounds them all.
func LogHandler(h slog.Handler) slog.Handler { return lineHandler{h} }

type lineHandler struct{ next slog.Handler }

func (l lineHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.next.Enabled(ctx, level)
}

func (l lineHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Line(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(lineAttr(a))
		return true
	})
	return l.next.Handle(ctx, out)
}

func (l lineHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = lineAttr(a)
	}
	return lineHandler{l.next.WithAttrs(clean)}
}

func (l lineHandler) WithGroup(name string) slog.Handler { return lineHandler{l.next.WithGroup(name)} }

func lineAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Line(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = lineAttr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, Line(x.Error()))
		case interface{ String() string }:
			return slog.String(a.Key, Line(x.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
