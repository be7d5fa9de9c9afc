package packaging

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const root = "../../"

// The release workflow cannot run here; it must at least parse and build
// every installer on a version tag.
func TestReleaseWorkflowParses(t *testing.T) {
	data, err := os.ReadFile(root + ".github/workflows/release.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On struct {
			Push struct {
				Tags []string `yaml:"tags"`
			} `yaml:"push"`
		} `yaml:"on"`
		Jobs map[string]struct {
			RunsOn string           `yaml:"runs-on"`
			Steps  []map[string]any `yaml:"steps"`
			Needs  []string         `yaml:"needs"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("release.yml is not valid YAML: %v", err)
	}
	if len(wf.On.Push.Tags) == 0 || !strings.HasPrefix(wf.On.Push.Tags[0], "v") {
		t.Errorf("not triggered by version tags: %+v", wf.On)
	}
	for job, runner := range map[string]string{"windows": "windows-", "macos": "macos-", "linux": "ubuntu-"} {
		j, ok := wf.Jobs[job]
		if !ok || !strings.HasPrefix(j.RunsOn, runner) || len(j.Steps) < 3 {
			t.Errorf("job %s: %+v", job, j)
		}
	}
	if r := wf.Jobs["release"]; len(r.Needs) != 3 {
		t.Errorf("the release job needs %v", r.Needs)
	}
}

func TestInfoPlist(t *testing.T) {
	data, err := os.ReadFile(root + "build/darwin/Info.plist")
	if err != nil {
		t.Fatal(err)
	}
	var plist struct {
		Dict struct {
			Items []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(data, &plist); err != nil {
		t.Fatalf("Info.plist is not XML: %v", err)
	}
	keys := map[string]string{}
	items := plist.Dict.Items
	for i := 0; i+1 < len(items); i++ {
		if items[i].XMLName.Local == "key" {
			next := items[i+1]
			v := next.Value
			if next.XMLName.Local == "true" {
				v = "true"
			}
			keys[items[i].Value] = v
		}
	}
	for k, want := range map[string]string{
		"CFBundleIdentifier": "com.tickstock.connections-monitor", "CFBundleShortVersionString": "{{.Info.ProductVersion}}",
		"LSMinimumSystemVersion": "10.15.0", "NSHighResolutionCapable": "true", "CFBundlePackageType": "APPL",
	} {
		if keys[k] != want {
			t.Errorf("%s = %q, want %q", k, keys[k], want)
		}
	}
}

func TestWailsJSONInfo(t *testing.T) {
	data, err := os.ReadFile(root + "wails.json")
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		OutputFilename string            `json:"outputfilename"`
		Info           map[string]string `json:"info"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	if w.OutputFilename != "tickstock-monitor" {
		t.Errorf("outputfilename %q", w.OutputFilename)
	}
	for _, k := range []string{"companyName", "productName", "productVersion", "copyright", "comments"} {
		if w.Info[k] == "" {
			t.Errorf("wails.json info.%s is empty", k)
		}
	}
	if w.Info["productName"] != "TickStock Connections Monitor" {
		t.Errorf("productName %q", w.Info["productName"])
	}
}

func TestDesktopEntry(t *testing.T) {
	data, err := os.ReadFile(root + "build/linux/tickstock-monitor.desktop")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"[Desktop Entry]", "Type=Application", "Name=TickStock Connections Monitor", "Exec=tickstock-monitor", "Icon=tickstock-monitor"} {
		if !strings.Contains(string(data), line+"\n") {
			t.Errorf("the desktop entry lacks %q", line)
		}
	}
}
