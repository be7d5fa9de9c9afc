package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGPUPolicyWords(t *testing.T) {
	for _, tc := range []struct {
		value string
		set   bool
		want  GPUPolicy
	}{
		{set: false, want: DefaultGPU},
		{value: "", set: true, want: DefaultGPU},
		{value: "never", set: true, want: GPUNever},
		{value: "ondemand", set: true, want: GPUOnDemand},
		{value: " OnDemand ", set: true, want: GPUOnDemand},
		{value: "always", set: true, want: GPUAlways},
	} {
		vars := map[string]string{}
		if tc.set {
			vars["TICKSTOCK_GPU"] = tc.value
		}
		c, err := FromLookup(env(vars))
		if err != nil {
			t.Fatalf("TICKSTOCK_GPU=%q: %v", tc.value, err)
		}
		if c.Window.GPU != tc.want {
			t.Errorf("TICKSTOCK_GPU=%q: policy %q, want %q", tc.value, c.Window.GPU, tc.want)
		}
	}
}

// A misspelt policy is refused naming the variable, the value and the
// three words, like every other bad value (the window's banner shows it).
func TestGPUPolicyRefusesOtherWords(t *testing.T) {
	for _, v := range []string{"on-demand", "gpu", "0", "true"} {
		_, err := FromLookup(env(map[string]string{"TICKSTOCK_GPU": v}))
		want := `TICKSTOCK_GPU="` + v + `": expected never, ondemand or always`
		if err == nil || err.Error() != want {
			t.Errorf("TICKSTOCK_GPU=%q: err %v, want %q", v, err, want)
		}
	}
}

// The window reads its policy before it opens, from the environment over
// .env, and opens with the default (and the error) on a bad value.
func TestLoadWindowReadsDotEnvAndFallsBackToTheDefault(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("TICKSTOCK_GPU=ondemand\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TICKSTOCK_GPU", "")
	os.Unsetenv("TICKSTOCK_GPU")
	if w, err := LoadWindow(dir); err != nil || w.GPU != GPUOnDemand {
		t.Errorf("from .env: %+v, %v; want ondemand", w, err)
	}
	t.Setenv("TICKSTOCK_GPU", "always") // the environment wins
	if w, err := LoadWindow(dir); err != nil || w.GPU != GPUAlways {
		t.Errorf("from the environment: %+v, %v; want always", w, err)
	}
	t.Setenv("TICKSTOCK_GPU", "fast")
	w, err := LoadWindow(dir)
	if err == nil || w.GPU != DefaultGPU {
		t.Errorf("a bad value: %+v, %v; want the default and an error", w, err)
	}
}
