//go:build !linux

package redistest

import "syscall"

// childProcAttr sets nothing outside Linux: a redis-server whose test
// binary dies without Close keeps running there.
func childProcAttr() *syscall.SysProcAttr { return nil }

// waitProcessState cannot look at the process state outside Linux; the
// signal was sent, and delivery to a local process is near-immediate.
func waitProcessState(int, bool) error { return nil }
