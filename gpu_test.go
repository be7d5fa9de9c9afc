package main

import (
	"testing"

	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/tickstock/monitor/backend/config"
)

// Each TICKSTOCK_GPU word reaches WebKit as its own policy (Wails' zero
// value is "always", so a word that fell through would turn acceleration on).
func TestEveryGPUWordReachesWebKit(t *testing.T) {
	for p, want := range map[config.GPUPolicy]linux.WebviewGpuPolicy{
		config.GPUNever:    linux.WebviewGpuPolicyNever,
		config.GPUOnDemand: linux.WebviewGpuPolicyOnDemand,
		config.GPUAlways:   linux.WebviewGpuPolicyAlways,
		"":                 linux.WebviewGpuPolicyNever,
	} {
		if got := webviewGPU(p); got != want {
			t.Errorf("%q: policy %d, want %d", p, got, want)
		}
	}
}
