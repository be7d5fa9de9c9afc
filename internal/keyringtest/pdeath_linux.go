package keyringtest

import "syscall"

// diesWithTest: the private bus is killed with the test binary even when a
// test timeout's panic skips the cleanups.
func diesWithTest(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
