package app

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/tickstock/monitor/backend/alerts"
	"github.com/tickstock/monitor/backend/history"
	"github.com/tickstock/monitor/backend/service"
	"github.com/tickstock/monitor/backend/wire"
)

// Incidents is what a backend offers for alerts, the timeline and the
// history (backend/service does; the tests' fakes need not).
type Incidents interface {
	Timeline(q history.Query) ([]wire.Entry, error)
	ExportTimeline(q history.Query, format string) (string, error)
	HistoryChart(connection string, hours float64) (history.Chart, error)
	FiguresAround(connection string, at float64) ([]history.Minute, error)
	History() service.HistoryStatus
	AlertSettings() alerts.Settings
	SetAlertSettings(s alerts.Settings) error
	DropConnectionFor(id string, d time.Duration) error
	Title() string
}

var errNoIncidents = errors.New("alerts and history are not available in this session")

func (a *App) incidents() (Incidents, error) {
	b, err := a.current()
	if err != nil {
		return nil, err
	}
	in, ok := b.(Incidents)
	if !ok {
		return nil, errNoIncidents
	}
	return in, nil
}

// Timeline returns the incident timeline, newest first.
func (a *App) Timeline(q history.Query) (es []wire.Entry, err error) {
	defer a.recoverInto(&err, "Timeline")
	in, err := a.incidents()
	if err != nil {
		return nil, err
	}
	return in.Timeline(q)
}

// ExportTimeline returns the selected entries as "csv" or "json" text.
func (a *App) ExportTimeline(q history.Query, format string) (text string, err error) {
	defer a.recoverInto(&err, "ExportTimeline")
	in, err := a.incidents()
	if err != nil {
		return "", err
	}
	return in.ExportTimeline(q, format)
}

// SaveTimelineExport asks where to save the export and writes it; it
// returns the path ("" when the operator cancelled).
func (a *App) SaveTimelineExport(q history.Query, format string) (path string, err error) {
	defer a.recoverInto(&err, "SaveTimelineExport")
	text, err := a.ExportTimeline(q, format)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	w, ok := a.emitter.(wailsEmitter)
	a.mu.Unlock()
	if !ok {
		return "", errors.New("saving needs the app window; use the Copy button instead")
	}
	path, err = runtime.SaveFileDialog(w.ctx, runtime.SaveDialogOptions{
		Title:           "Export the incident timeline",
		DefaultFilename: fmt.Sprintf("tickstock-incidents-%s.%s", time.Now().Format("2006-01-02-1504"), format),
	})
	if err != nil || path == "" {
		return "", err
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", fmt.Errorf("the export could not be written to %s: %w", path, err)
	}
	return path, nil
}

// HistoryChart returns a connection's figures and outages of the last hours.
func (a *App) HistoryChart(connection string, hours float64) (c history.Chart, err error) {
	defer a.recoverInto(&err, "HistoryChart")
	in, err := a.incidents()
	if err != nil {
		return c, err
	}
	return in.HistoryChart(connection, hours)
}

// FiguresAround returns the minutes around a timeline entry's time.
func (a *App) FiguresAround(connection string, at float64) (ms []history.Minute, err error) {
	defer a.recoverInto(&err, "FiguresAround")
	in, err := a.incidents()
	if err != nil {
		return nil, err
	}
	return in.FiguresAround(connection, at)
}

// HistoryStatus describes the history file in use.
func (a *App) HistoryStatus() (h service.HistoryStatus, err error) {
	defer a.recoverInto(&err, "HistoryStatus")
	in, err := a.incidents()
	if err != nil {
		return h, err
	}
	return in.History(), nil
}

// AlertSettings returns the alert settings in force.
func (a *App) AlertSettings() (s alerts.Settings, err error) {
	defer a.recoverInto(&err, "AlertSettings")
	in, err := a.incidents()
	if err != nil {
		return s, err
	}
	return in.AlertSettings(), nil
}

// SetAlertSettings applies and keeps the alert settings.
func (a *App) SetAlertSettings(s alerts.Settings) (err error) {
	defer a.recoverInto(&err, "SetAlertSettings")
	in, err := a.incidents()
	if err != nil {
		return err
	}
	return in.SetAlertSettings(s)
}

// DropConnectionFor (demo only) holds a connection down for seconds.
func (a *App) DropConnectionFor(id string, seconds float64) (err error) {
	defer a.recoverInto(&err, "DropConnectionFor")
	in, err := a.incidents()
	if err != nil {
		return err
	}
	if seconds <= 0 || seconds > 600 {
		return fmt.Errorf("drop for %v s: choose 0 to 600 seconds", seconds)
	}
	return in.DropConnectionFor(id, time.Duration(seconds*float64(time.Second)))
}

// titler is the part of the window that shows a title (the taskbar's text).
type titler interface{ SetTitle(string) }

func (w wailsEmitter) SetTitle(t string) { runtime.WindowSetTitle(w.ctx, t) }

// setTitle puts the session's state in the window title when it changed.
func (a *App) setTitle(e Emitter, b Backend, last *string) {
	t, ok1 := e.(titler)
	in, ok2 := b.(Incidents)
	if !ok1 || !ok2 {
		return
	}
	if title := in.Title(); title != *last {
		*last = title
		t.SetTitle(title)
	}
}
