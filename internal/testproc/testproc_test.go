package testproc

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// procState is the process's state letter from /proc (T = stopped,
// Z = zombie); "" once it is gone.
func procState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func TestStartWaitsForTheProbeAndStopEndsTheWholeGroup(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "up")
	// The shell starts a child (sleep) and then says it is ready: Stop must end both.
	cmd := exec.Command("sh", "-c", "sleep 60 & echo $! > "+marker+".child; sleep 0.2; touch "+marker+"; wait")
	probes := 0
	p, err := Start(cmd, func() error {
		probes++
		_, err := os.Stat(marker)
		return err
	}, 5*time.Second, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if probes < 2 {
		t.Fatalf("ready after %d probes: Start did not wait for the probe", probes)
	}
	b, _ := os.ReadFile(marker + ".child")
	child, _ := strconv.Atoi(strings.TrimSpace(string(b)))

	if err := p.Freeze(); err != nil {
		t.Fatal(err)
	}
	var st string
	for i := 0; i < 100 && st != "T"; i++ { // the signal is delivered asynchronously
		st = procState(cmd.Process.Pid)
		time.Sleep(10 * time.Millisecond)
	}
	if st != "T" {
		t.Fatalf("frozen process is in state %q, want T", st)
	}
	if err := p.Thaw(); err != nil {
		t.Fatal(err)
	}
	p.Stop(time.Second)
	p.Stop(time.Second) // twice is fine
	if !gone(child) {
		t.Fatalf("the child %d outlived Stop (state %s)", child, procState(child))
	}
	if err := p.Signal(syscall.SIGCONT); err == nil {
		t.Fatal("signalling a stopped process succeeded")
	}
}

func TestAProcessThatExitsAtStartIsReported(t *testing.T) {
	_, err := Start(exec.Command("sh", "-c", "exit 3"), func() error { return errors.New("not yet") }, 5*time.Second, 10*time.Millisecond)
	if !errors.Is(err, ErrExited) {
		t.Fatalf("err = %v, want ErrExited", err)
	}
}

func TestAProbeThatNeverAnswersTimesOutAndKills(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	_, err := Start(cmd, func() error { return errors.New("refused") }, 100*time.Millisecond, 10*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err = %v, want a timeout quoting the last probe error", err)
	}
	if cmd.ProcessState == nil {
		t.Fatal("the process was left running after the timeout")
	}
}

func TestFreePortIsOnLoopbackAndBindable(t *testing.T) {
	port, err := FreePort()
	if err != nil || port <= 0 {
		t.Fatalf("FreePort = %d, %v", port, err)
	}
}

// gone says whether pid has ended within a second: exited, or a zombie
// waiting for its new parent (here PID 1) to reap it.
func gone(pid int) bool {
	for i := 0; i < 100; i++ {
		if st := procState(pid); st == "" || st == "Z" {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
