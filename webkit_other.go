//go:build !linux

package main

// tuneWebKit has nothing to do where the window is not WebKitGTK.
func tuneWebKit() {}
