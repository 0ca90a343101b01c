package redistest

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// childProcAttr makes the kernel kill redis-server when the test binary
// dies without running Close (a panic, a -timeout kill). Pdeathsig fires
// when the thread that started the child exits; the Go runtime keeps its
// threads, so in practice that is when the process exits.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// waitProcessState waits until /proc says the process is stopped (after
// SIGSTOP) or no longer stopped (after SIGCONT), so that Pause returns only
// once the server can no longer answer.
func waitProcessState(pid int, stopped bool) error {
	deadline := time.Now().Add(5 * time.Second)
	path := "/proc/" + strconv.Itoa(pid) + "/stat"
	for {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// The state follows the command name in parentheses: "pid (comm) S ...".
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) {
			return fmt.Errorf("parse %s: %q", path, b)
		}
		state := b[i+2]
		if (state == 'T' || state == 't') == stopped {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process %d still in state %q", pid, state)
		}
		time.Sleep(time.Millisecond)
	}
}
