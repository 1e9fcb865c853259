// Package hostiletest holds what the hostile-input tests of several
// packages share (issue 11): a bound on how long a call may block, and
// named pipes to offer where a regular file is expected.
package hostiletest

import (
	"syscall"
	"testing"
	"time"
)

// Timeout is how long Within waits: far more than any of the calls it
// guards takes, even on a loaded machine, and far less than a test run's.
const Timeout = 20 * time.Second

// Within runs f and fails the test if f has not returned after Timeout:
// every call it guards used to be able to hang. f runs on another
// goroutine; it must report failures with t.Error, not t.Fatal.
func Within(t testing.TB, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(Timeout):
		t.Fatalf("%s: still blocked after %v", what, Timeout)
	}
}

// Mkfifo makes a named pipe at path, skipping the test where the system
// cannot make one.
func Mkfifo(t testing.TB, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}
