//go:build unix

package conformance

import "syscall"

// setReadBuffer sets SO_RCVBUF on a socket before it connects, so the TCP window the
// peer sees stays that small.
func setReadBuffer(c syscall.RawConn, n int) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, n)
	})
	if err != nil {
		return err
	}
	return serr
}
