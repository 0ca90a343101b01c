package sioconn_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine outlives the tests: every Conn's
// read goroutine must be gone once it is closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
