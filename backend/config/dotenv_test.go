package config

import (
	"maps"
	"testing"
)

func TestParseDotEnv(t *testing.T) {
	got, err := ParseDotEnv([]byte("\uFEFFA=1\n  B = two words # note\nexport C=\"x\\ny\"\nD='#not a comment'\nE=\n\n# c\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "two words", "C": "x\ny", "D": "#not a comment", "E": ""}
	if !maps.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
}

func TestParseDotEnvErrors(t *testing.T) {
	for _, in := range []string{"NOEQUALS", "1A=x", "A='open", `A="x" trailing`, "=x"} {
		if _, err := ParseDotEnv([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzParseDotEnv(f *testing.F) {
	for _, s := range []string{"A=1", "export B='x'", "C=\"a\\nb\" # c", "bad line", "\uFEFFD=", "E='", "F=1 #x\nG=2",
		"MASSIVE_API_KEY sk_live_secret", "1KEY=secret", "KEY=\"secret", "export KEY = 'a' b"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, err := ParseDotEnv(data)
		if err != nil {
			// Where and a name at most: never a value, nor text that may be one.
			if !dotEnvError.MatchString(err.Error()) {
				t.Fatalf("error %q says more than where and why", err)
			}
			return
		}
		for k := range vars {
			if !validEnvName(k) {
				t.Fatalf("accepted invalid name %q", k)
			}
		}
	})
}
