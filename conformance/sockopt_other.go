//go:build !unix

package conformance

import "syscall"

// setReadBuffer does nothing where SO_RCVBUF cannot be set before connect; the
// backpressure spec then needs a longer flood.
func setReadBuffer(syscall.RawConn, int) error { return nil }
