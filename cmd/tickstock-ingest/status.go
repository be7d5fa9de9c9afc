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
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/tickstock/monitor/backend/config"
	"github.com/tickstock/monitor/backend/health"
	"github.com/tickstock/monitor/backend/redact"
	"github.com/tickstock/monitor/backend/remote"
	"github.com/tickstock/monitor/backend/secrets"
)

// Exit codes of the status command.
const (
	statusOK       = 0 // every enabled connection is connected
	statusDegraded = 1 // some are not
	statusDown     = 2 // none are, or the server is unreachable, unauthorised or forbidden
)

// runStatus signs in to a server (serve or TickStockAppV2, told apart by
// their answers), prints its connections and exits 0, 1 or 2 for scripts by
// the same rule against either: a connection TickStockAppV2 does not list
// is disabled and does not count. The password comes from the keyring entry of URL|email,
// else TICKSTOCK_ADMIN_PASSWORD, else a no-echo prompt on a terminal.
func runStatus(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// Not the variable's value as the default: -h would print it, credentials and all.
	serverURL := fs.String("url", "", "server base URL, e.g. http://127.0.0.1:8765 (default $TICKSTOCK_REMOTE_URL)")
	email := fs.String("email", "", "admin email (default $TICKSTOCK_ADMIN_EMAIL)")
	envDir := fs.String("env-dir", ".", "directory of the optional .env file")
	asJSON := fs.Bool("json", false, "print the snapshot as JSON")
	timeout := fs.Duration("timeout", 15*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return statusDown
	}
	settings, err := config.LoadStatus(*envDir)
	if err != nil {
		fmt.Fprintf(stderr, "tickstock-ingest status: configuration error: %v\n", err)
		return statusDown
	}
	if *serverURL == "" {
		*serverURL = settings.RemoteURL
	}
	if *email == "" {
		*email = settings.AdminEmail
	}
	down := func(format string, a ...any) int {
		msg := redact.Line(redact.Scrub(fmt.Sprintf(format, a...), redact.URLSecrets(*serverURL)...))
		fmt.Fprintf(stderr, "tickstock-ingest status: %s\n", msg)
		return statusDown
	}
	if *serverURL == "" || *email == "" {
		return down("--url and --email are required")
	}
	c, err := remote.NewClient(*serverURL)
	if err != nil {
		return down("%v", err)
	}
	// The keyring is asked under --timeout and the signals too: a Secret
	// Service that never answers must not hang a cron or Nagios check.
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	password, err := adminPassword(ctx, c.URL(), *email, settings.AdminPassword, stdin, stderr)
	if err != nil {
		return down("%v", err)
	}
	snap, err := func() (health.Snapshot, error) {
		if err := c.Login(ctx, *email, password); err != nil {
			return health.Snapshot{}, err
		}
		return c.Status(ctx)
	}()
	switch {
	case errors.Is(err, remote.ErrSubscriptionExpired):
		return down("unauthorised: the subscription of %s on %s has expired", *email, c.URL())
	case errors.Is(err, remote.ErrUnauthorized):
		var refused *remote.SignInRefusedError
		if errors.As(err, &refused) && refused.Flash != "" {
			return down("unauthorised: %s refused the sign-in of %s: %q", c.URL(), *email, refused.Flash)
		}
		return down("unauthorised: wrong email or password for %s", c.URL())
	case errors.Is(err, remote.ErrForbidden):
		return down("forbidden: %s is not an admin on %s", *email, c.URL())
	case err != nil:
		return down("%v", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(snap)
	} else {
		printTable(stdout, snap)
	}
	return verdict(snap, stderr)
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

func verdict(s health.Snapshot, stderr io.Writer) int {
	switch {
	case s.EnabledConnections == 0:
		fmt.Fprintln(stderr, "tickstock-ingest status: down: no connection is enabled")
		return statusDown
	case s.ConnectedCount == 0:
		fmt.Fprintf(stderr, "tickstock-ingest status: down: 0 of %d enabled connections connected\n", s.EnabledConnections)
		return statusDown
	case s.ConnectedCount < s.EnabledConnections:
		fmt.Fprintf(stderr, "tickstock-ingest status: degraded: %d of %d enabled connections connected\n", s.ConnectedCount, s.EnabledConnections)
		return statusDegraded
	}
	return statusOK
}

func printTable(w io.Writer, s health.Snapshot) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CONNECTION\tNAME\tSTATUS\tTICKERS\tMESSAGES\tERRORS\tRECONNECTS\tLAST ERROR")
	ids := make([]string, 0, len(s.Connections))
	for id := range s.Connections {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := s.Connections[id]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", id, c.Name, c.Status, c.AssignedTickers, c.MessageCount, c.ErrorCount, c.ReconnectCount, redact.Error(c.LastError))
	}
	_ = tw.Flush() // a terminal or pipe that went away; the Fprintf calls around it ignore the same
	fmt.Fprintf(w, "\n%d of %d enabled connections connected; %d ticks, %d errors\n", s.ConnectedCount, s.EnabledConnections, s.TotalTicksReceived, s.TotalErrors)
}
