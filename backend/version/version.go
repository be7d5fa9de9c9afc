// Package version carries the build's version, stamped by the linker:
//
//	-ldflags "-X github.com/tickstock/monitor/backend/version.Version=v1.2.3"
//
// An unstamped build reports "0.0.0-dev".
package version

// Version is the release (git tag vX.Y.Z) or 0.0.0-dev+<sha> for other builds.
var Version = "0.0.0-dev"

// Product is the name shown in window titles and --version output.
const Product = "TickStock Connections Monitor"
