package adminapi

import (
	"net/http"
	"time"
)

// Timeouts of the admin API's http.Server. A client that sends its headers
// or body slowly, or keeps an idle connection open, is cut off, so a few
// thousand idle or trickling sockets cannot hold the server's descriptors.
// The push stream (/admin-ws) is a hijacked connection: these deadlines end
// at the upgrade and the hub keeps its own (pings, write deadline).
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second // headers and body of one request
	WriteTimeout      = 30 * time.Second // one response
	IdleTimeout       = 60 * time.Second // a keep-alive connection between requests
	MaxHeaderBytes    = 32 << 10
)

// NewHTTPServer returns the http.Server that serves h with the timeouts above.
func NewHTTPServer(h http.Handler) *http.Server {
	return newHTTPServer(h, ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout)
}

func newHTTPServer(h http.Handler, header, read, write, idle time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: header,
		ReadTimeout:       read,
		WriteTimeout:      write,
		IdleTimeout:       idle,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}
