package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/remote"
	"github.com/tickstock/monitor/backend/secrets"
	"github.com/tickstock/monitor/backend/verdict"
	"github.com/tickstock/monitor/backend/wire"
)

// statusUsage is `status --help`: what it checks, the exit codes, where the
// password comes from.
const statusUsage = `Usage: tickstock-ingest status [flags]

Signs in to a server (tickstock-ingest serve or TickStockAppV2) as an admin
and judges it as a Nagios/Icinga plugin. The first line on stdout is
  TICKSTOCK OK|WARNING|CRITICAL|UNKNOWN - <sentence> | <perfdata>
then the table of connections (or, with -json, the snapshot and verdict).

Exit codes:
  0  OK        every enabled connection streams (and, against serve, publishes)
  1  WARNING   degraded: some connections down or silent
  2  CRITICAL  down: no connection delivers, ticks are not published to
               Redis, or the server is unreachable
  3  UNKNOWN   cannot judge: bad arguments or configuration, no password,
               wrong password, not an admin, rate-limited, the server's
               connection monitor unavailable

The password, first found:
  1. the keyring entry of <url>|<email> (saved by the desktop app)
  2. TICKSTOCK_ADMIN_PASSWORD in the environment (never read from .env)
  3. a no-echo prompt, when stdin is a terminal

Flags:
`

// runStatus signs in to a server (serve or TickStockAppV2, told apart by
// their answers), judges it and exits by the plugin convention
// (verdict.Plugin). Against serve it reports the server's own verdict (only
// serve knows whether its ticks reach Redis); against TickStockAppV2 it
// judges two snapshots --sample apart (verdict.Judge).
func runStatus(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), statusUsage)
		fs.PrintDefaults()
	}
	// Not the variable's value as the default: -h would print it, credentials and all.
	serverURL := fs.String("url", "", "server base URL, e.g. http://127.0.0.1:8765 (default $TICKSTOCK_REMOTE_URL)")
	email := fs.String("email", "", "admin email (default $TICKSTOCK_ADMIN_EMAIL)")
	envDir := fs.String("env-dir", ".", "directory of the optional .env file")
	asJSON := fs.Bool("json", false, "print the snapshot and the verdict as JSON")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	sample := fs.Duration("sample", time.Second, "time between the two snapshots that give ticks per second and moving counters (0: one snapshot)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return verdict.ExitOK
		}
		return unknown(stdout, stderr, "bad arguments: "+err.Error())
	}
	settings, err := config.LoadStatus(*envDir)
	if err != nil {
		return unknown(stdout, stderr, "configuration error: "+err.Error())
	}
	if *serverURL == "" {
		*serverURL = settings.RemoteURL
	}
	if *email == "" {
		*email = settings.AdminEmail
	}
	scrub := func(msg string) string { return redact.Line(redact.Scrub(msg, redact.URLSecrets(*serverURL)...)) }
	if *serverURL == "" || *email == "" {
		return unknown(stdout, stderr, "--url and --email are required")
	}
	c, err := remote.NewClient(*serverURL)
	if err != nil {
		return unknown(stdout, stderr, scrub(err.Error()))
	}
	// The keyring is asked under --timeout and the signals too: a Secret
	// Service that never answers must not hang a cron or Nagios check.
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	password, err := adminPassword(ctx, c.URL(), *email, settings.AdminPassword, stdin, stderr)
	if err != nil {
		return unknown(stdout, stderr, scrub(err.Error()))
	}
	j, err := observe(ctx, c, *email, password, *sample)
	if err != nil {
		return failed(stdout, stderr, scrub(explain(c, err, *email)), err)
	}
	v := j.v
	word, code := verdict.Plugin(v.Level)
	if *asJSON { // JSON alone, for programs; the exit code says the rest
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(statusJSON{Snapshot: j.snap, Verdict: v})
	} else {
		fmt.Fprintf(stdout, "TICKSTOCK %s - %s | %s\n", word, oneLine(v.Sentence), perfdata(j))
		printTable(stdout, j.snap, v)
	}
	if code != verdict.ExitOK {
		fmt.Fprintf(stderr, "tickstock-ingest status: %s: %s\n", v.Level, oneLine(v.Sentence))
	}
	return code
}

// statusJSON is -json's output: the snapshot (the contract's fields, as
// before) with the verdict beside them.
type statusJSON struct {
	wire.Snapshot
	Verdict verdict.Verdict `json:"verdict"`
}

// judged is what status reports: the newest snapshot, the verdict and the
// ticks per second between the two samples (-1: one sample only).
type judged struct {
	snap wire.Snapshot
	v    verdict.Verdict
	rate float64
}

// observe signs in and judges: the server's verdict when it sends one
// (serve), else the snapshots judged here (TickStockAppV2): two, sample
// apart, so moving counters count as streaming whatever the word.
func observe(ctx context.Context, c *remote.Client, email, password string, sample time.Duration) (judged, error) {
	if err := c.Login(ctx, email, password); err != nil {
		return judged{}, err
	}
	tracker := verdict.NewTracker()
	out := judged{rate: -1}
	var first wire.Snapshot
	var firstAt time.Time
	for i := range 2 {
		if i == 1 {
			if sample <= 0 {
				break
			}
			select {
			case <-ctx.Done():
				return judged{}, &remote.UnreachableError{Cause: "no answer in time"}
			case <-time.After(sample):
			}
		}
		snap, err := c.Status(ctx)
		if err != nil {
			return judged{}, err
		}
		now := time.Now()
		out.snap = snap
		out.v = tracker.Judge(verdict.Evidence{At: now, Mode: verdict.ModeRemote, Snapshot: &snap,
			Remote: &verdict.Remote{Access: verdict.AccessObserving, LastData: wire.Unix(now)}})
		if own, ok := c.ServerVerdict(); ok {
			out.v = own
		}
		if i == 0 {
			first, firstAt = snap, now
		} else if d := now.Sub(firstAt).Seconds(); d > 0 {
			out.rate = max(0, float64(snap.TotalTicksReceived-first.TotalTicksReceived)/d)
		}
	}
	return out, nil
}

// unknown ends the check as UNKNOWN (exit 3): it could not judge.
func unknown(stdout, stderr io.Writer, msg string) int {
	fmt.Fprintf(stdout, "TICKSTOCK UNKNOWN - %s\n", oneLine(msg))
	fmt.Fprintf(stderr, "tickstock-ingest status: %s\n", oneLine(msg))
	return verdict.ExitUnknown
}

// failed ends the check after the server answered no judgement: CRITICAL
// when it cannot be reached (down), UNKNOWN otherwise (refused sign-in, not
// an admin, rate-limited, its monitor unavailable).
func failed(stdout, stderr io.Writer, msg string, err error) int {
	var unreachable *remote.UnreachableError
	if errors.Is(err, remote.ErrMonitorUnavailable) || !errors.As(err, &unreachable) {
		return unknown(stdout, stderr, msg)
	}
	fmt.Fprintf(stdout, "TICKSTOCK CRITICAL - The server does not answer, so nothing it ingests can be seen: %s\n", oneLine(msg))
	fmt.Fprintf(stderr, "tickstock-ingest status: %s\n", oneLine(msg))
	return verdict.ExitCritical
}

// explain says what a sign-in or status error means, naming the account.
func explain(c *remote.Client, err error, email string) string {
	url := c.URL()
	var refused *remote.SignInRefusedError
	switch {
	case errors.Is(err, remote.ErrMonitorUnavailable):
		return fmt.Sprintf("signed in to %s, but %v. %s", url, err, c.MonitorUnavailableHint())
	case errors.Is(err, remote.ErrSubscriptionExpired):
		return fmt.Sprintf("unauthorised: the subscription of %s on %s has expired", email, url)
	case errors.As(err, &refused) && refused.Flash != "":
		return fmt.Sprintf("unauthorised: %s refused the sign-in of %s: %q", url, email, refused.Flash)
	case errors.Is(err, remote.ErrUnauthorized):
		return fmt.Sprintf("unauthorised: wrong email or password for %s", url)
	case errors.Is(err, remote.ErrForbidden):
		return fmt.Sprintf("forbidden: %s is not an admin on %s", email, url)
	}
	return err.Error()
}

// oneLine keeps a plugin's output line one line, without the perfdata bar.
func oneLine(s string) string {
	return strings.ReplaceAll(redact.Line(s), "|", "/")
}

// perfdata: connected (of enabled), ticks per second, errors, ticks
// dropped (not published: the queue was full or Redis failed; the ticks
// Redis accepted with nobody subscribed are in the table's LOST) and the
// publisher's queue.
func perfdata(j judged) string {
	var dropped int64
	for _, c := range j.snap.Connections {
		dropped += c.PublishDropped
	}
	p := fmt.Sprintf("connected=%d;;;0;%d enabled=%d", j.v.Connected, j.v.Enabled, j.v.Enabled)
	if j.rate >= 0 {
		p += " ticks_per_second=" + strconv.FormatFloat(j.rate, 'f', 1, 64)
	}
	return p + fmt.Sprintf(" errors=%dc dropped=%dc queue=%d", j.snap.TotalErrors, dropped, j.v.Queued)
}

// adminPassword: the keyring entry of URL|email, else fromEnv
// (config.EnvAdminPassword), else a no-echo prompt on a terminal.
func adminPassword(ctx context.Context, serverURL, email, fromEnv string, stdin io.Reader, stderr io.Writer) (string, error) {
	pw, err := secrets.GetContext(ctx, secrets.RemoteProfile(serverURL, email), secrets.AdminPassword)
	if err == nil {
		return pw, nil
	}
	if fromEnv != "" {
		return fromEnv, nil
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return readPassword(stdin, stderr, "Password for "+email+": ")
	}
	return "", fmt.Errorf("no password: none in the keyring for %s (%w), TICKSTOCK_ADMIN_PASSWORD is not set, and there is no terminal to ask on", secrets.RemoteProfile(serverURL, email), err)
}

// printTable lists the connections: the word as the server sent it, and
// beside it what the verdict makes of it (the badge's label) and the ticks
// lost.
func printTable(w io.Writer, s wire.Snapshot, v verdict.Verdict) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONNECTION\tNAME\tSTATUS\tJUDGED\tTICKERS\tMESSAGES\tERRORS\tRECONNECTS\tLOST\tLAST ERROR")
	ids := make([]string, 0, len(s.Connections))
	for id := range s.Connections {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := s.Connections[id]
		judged, lost := "-", c.PublishDropped
		if jc, ok := v.Connections[id]; ok {
			judged, lost = string(jc.Level)+": "+jc.Label, jc.Lost
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\n", id, c.Name, c.Status, judged, c.AssignedTickers, c.MessageCount, c.ErrorCount, c.ReconnectCount, lost, redact.Error(c.LastError))
	}
	_ = tw.Flush() // a terminal or pipe that went away; the Fprintf calls around it ignore the same
	fmt.Fprintln(w)
	fmt.Fprintln(w, countsLine(s, v))
}

// countsLine sums up the table by the verdict, as the first line does: the
// server's own connected_count can disagree (TickStockAppV2 counts only the
// word connected, not a streaming status_update; a connection whose ticks
// are not published still says connected), and then it is named beside.
func countsLine(s wire.Snapshot, v verdict.Verdict) string {
	line := fmt.Sprintf("%d of %d enabled connections connected; %d ticks, %d errors", v.Connected, v.Enabled, s.TotalTicksReceived, s.TotalErrors)
	if s.ConnectedCount != v.Connected {
		line += fmt.Sprintf(" (the server's own count: %d connected)", s.ConnectedCount)
	}
	return line
}
