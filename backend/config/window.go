package config

import (
	"fmt"
	"strings"
)

// GPUPolicy is how the desktop window's web view may use hardware
// acceleration (TICKSTOCK_GPU): WebKit's own three policies.
type GPUPolicy string

const (
	// GPUNever paints the page in software on the web process's main
	// thread. It works with every driver, and it is what Wails chose
	// silently before (wailsapp/wails#2977: blank windows on some drivers).
	GPUNever GPUPolicy = "never"
	// GPUOnDemand lets WebKit composite layers when the page asks for it.
	GPUOnDemand GPUPolicy = "ondemand"
	// GPUAlways composites every page (in software GL where there is no GPU).
	GPUAlways GPUPolicy = "always"
)

// DefaultGPU is the policy when TICKSTOCK_GPU is unset. Chosen by
// measurement (docs/perf-window.md): without a gain shown for another
// policy, the one that works with every driver.
const DefaultGPU = GPUNever

// Window holds the settings of the desktop window itself, read before the
// window opens (LoadWindow) and again with the whole Config, so a bad value
// is also shown in the window's banner.
type Window struct {
	GPU GPUPolicy // TICKSTOCK_GPU
}

// LoadWindow reads the window's settings from the environment overlaid on
// dir/.env. On an error the returned Window holds the defaults, so the
// window can still open and show what is wrong.
func LoadWindow(dir string) (Window, error) {
	lookup, err := EnvLookup(dir)
	if err != nil {
		return Window{GPU: DefaultGPU}, err
	}
	r := reader{lookup: lookup}
	w := r.window()
	return w, r.err()
}

func (r *reader) window() Window {
	v := r.str("TICKSTOCK_GPU", string(DefaultGPU))
	switch p := GPUPolicy(strings.ToLower(v)); p {
	case GPUNever, GPUOnDemand, GPUAlways:
		return Window{GPU: p}
	}
	r.fail("TICKSTOCK_GPU", v, fmt.Sprintf("expected %s, %s or %s", GPUNever, GPUOnDemand, GPUAlways))
	return Window{GPU: DefaultGPU}
}
