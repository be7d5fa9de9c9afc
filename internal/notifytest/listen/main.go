// Command listen owns org.freedesktop.Notifications on the session bus
// (DBUS_SESSION_BUS_ADDRESS) and prints each notification it receives as a
// JSON line, for the end-to-end tests: "ready" first, once the name is held.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/godbus/dbus/v5"

	"github.com/tickstock/monitor/internal/notifytest"
)

func main() {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen: no session bus:", err)
		os.Exit(1)
	}
	defer conn.Close()
	s, err := notifytest.Serve(conn)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	s.OnNotify = func(n notifytest.Notification) { _ = enc.Encode(n) }
	fmt.Println(`"ready"`)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
}
