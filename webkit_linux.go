package main

import "os"

// webKitGC is the JavaScriptCore option the window's web process starts
// with on Linux: every collection a full one.
//
// The page makes its garbage mostly outside JavaScript's own heap: a tick
// row that leaves the screen is a few KiB of DOM held only by small
// JavaScript wrappers, and those wrappers have usually outlived a young
// collection by then. A generational collector frees them only in a full
// collection, which it schedules by the growth of its own (small) heap, so
// in WebKitGTK the page grew by ~5 MiB/s at 10,000 ticks/s for as long as
// it ran (1.5 GiB after 10 minutes; one forced full collection gave back
// 930 MiB). Collecting fully every time keeps the page flat, and its CPU
// went down, not up (docs/perf-window.md). A value already in the
// environment wins.
const webKitGC = "JSC_useGenerationalGC"

func tuneWebKit() {
	if _, set := os.LookupEnv(webKitGC); !set { //nolint:forbidigo // not our configuration: whether the user set WebKit's own option
		_ = os.Setenv(webKitGC, "0")
	}
}
