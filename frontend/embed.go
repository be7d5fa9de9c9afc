// Package frontend holds the built dashboard (dist/, made by `vite build`)
// for the programs that serve it without Wails: tickstock-ingest serve. On a
// fresh clone dist holds only a placeholder and Dist has no index.html.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built frontend, index.html at its root.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // only with a malformed path, which "dist" is not
		panic(err)
	}
	return sub
}
