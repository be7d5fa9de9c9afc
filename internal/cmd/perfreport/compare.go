package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// compare runs benchstat (golang.org/x/perf, a go tool of the module) on the
// previous report's raw benchmark output and this one, and returns the
// table and the lines that got worse. The new output then replaces the old
// one, so the next run compares with this one.
func compare(prevPath string, raw []byte) (table string, regressions []string, err error) {
	old, err := os.ReadFile(prevPath)
	if os.IsNotExist(err) {
		return "", nil, os.WriteFile(prevPath, raw, 0o644)
	}
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "perfreport")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(dir)
	oldF, newF := filepath.Join(dir, "previous"), filepath.Join(dir, "now")
	if err := os.WriteFile(oldF, old, 0o644); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(newF, raw, 0o644); err != nil {
		return "", nil, err
	}
	text, err := exec.Command("go", "tool", "benchstat", oldF, newF).Output()
	if err != nil {
		return "", nil, fmt.Errorf("benchstat: %w", err)
	}
	csvOut, err := exec.Command("go", "tool", "benchstat", "-format", "csv", oldF, newF).Output()
	if err != nil {
		return "", nil, fmt.Errorf("benchstat: %w", err)
	}
	return string(text), regressed(csvOut), os.WriteFile(prevPath, raw, 0o644)
}

// regressed lists the rows of benchstat's CSV whose change is significant
// and in the bad direction: more time, bytes or allocations, or less
// throughput.
func regressed(out []byte) []string {
	r := csv.NewReader(bytes.NewReader(out))
	r.FieldsPerRecord = -1
	var unit string
	var bad []string
	for {
		rec, err := r.Read()
		if err != nil {
			return bad
		}
		if len(rec) >= 6 && rec[0] == "" && rec[5] == "vs base" {
			unit = rec[1] // a section's header: ",sec/op,CI,sec/op,CI,vs base,P"
			continue
		}
		if len(rec) < 6 || rec[0] == "geomean" {
			continue
		}
		delta := rec[5]
		worse := strings.HasPrefix(delta, "+")
		if strings.HasSuffix(unit, "/s") {
			worse = strings.HasPrefix(delta, "-")
		}
		if worse {
			bad = append(bad, fmt.Sprintf("%s %s %s (%s)", rec[0], unit, delta, strings.TrimSpace(strings.Join(rec[6:], " "))))
		}
	}
}

// historyRow is one line of the report's history table: the headline
// figures of this run.
func historyRow(b map[string]bench, l *loadResult) string {
	commit := "unknown"
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
	}
	get := func(name string) string {
		if x, ok := b[name]; ok {
			return fmt.Sprintf("%s ns, %.0f allocs", trim(x.NsOp), x.AllocsOp)
		}
		return "not run"
	}
	return fmt.Sprintf("| %s | %s | %.0f ticks/s | %s | %s | %s | %.1f ms | %.0f MiB |",
		time.Now().UTC().Format("2006-01-02"), commit, l.Ceiling, get("BenchmarkConsume"),
		get("BenchmarkDecodePerEvent/T"), get("BenchmarkDecodePerEvent/AM"), l.Latency[1].BatchP99, l.RSSMiB)
}

const historyHead = "| date | commit | ceiling through Redis | consume per tick | decode T | decode AM | batch p99 at 10k/s | RSS at 10k/s |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"

// previousHistory returns the history rows of the report at path.
func previousHistory(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	_, rest, ok := strings.Cut(string(data), "## History")
	if !ok {
		return nil
	}
	var rows []string
	for _, l := range strings.Split(rest, "\n") {
		if strings.HasPrefix(l, "## ") {
			break
		}
		if strings.HasPrefix(l, "| 2") { // a dated row
			rows = append(rows, l)
		}
	}
	return rows
}
