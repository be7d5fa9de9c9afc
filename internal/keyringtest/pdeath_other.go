//go:build !linux

package keyringtest

import "syscall"

// diesWithTest: only Linux can tie a child's life to its parent's.
func diesWithTest(*syscall.SysProcAttr) {}
