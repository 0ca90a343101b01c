package sioconn_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine outlives the tests: every Conn's
// read goroutine must be gone once it is closed. Goroutines alive before
// the tests start are ignored: importing the official client (for the
// benchmark) starts its engine package's network monitor in init.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(cleanupM{m}, goleak.IgnoreCurrent())
}

// cleanupM removes the echoserver binary built for the run.
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	code := c.m.Run()
	removeEchoServerBinary()
	return code
}
