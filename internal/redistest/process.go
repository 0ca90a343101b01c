package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// processBackend runs redis-server as a child process.
type processBackend struct {
	path string
	port int
	dir  string // working directory, removed on close

	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
	err    error         // cmd.Wait's result, set before exited is closed
	out    *tailBuffer
}

// startProcess starts redis-server from path on a free loopback port,
// trying another port if the first one was taken meanwhile.
func startProcess(ctx context.Context, path string) (backend, string, error) {
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, "", fmt.Errorf("redistest: %w", err)
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, "", fmt.Errorf("redistest: %w", err)
		}
		p := &processBackend{path: path, port: port, dir: dir}
		err = p.start(ctx)
		if err == nil {
			return p, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
		}
		if !errors.Is(err, errAddrInUse) || attempt == 2 {
			_ = os.RemoveAll(dir)
			return nil, "", fmt.Errorf("redistest: start %s: %w", path, err)
		}
	}
}

func (p *processBackend) kind() Backend { return BackendProcess }

// start launches redis-server on p.port. It returns errAddrInUse when the
// process exits at once because the port is taken.
func (p *processBackend) start(ctx context.Context) error {
	p.out = &tailBuffer{max: 8 << 10}
	p.cmd = exec.Command(p.path,
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(p.port),
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--dir", p.dir,
	)
	p.cmd.Dir = p.dir
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	p.cmd.SysProcAttr = childProcAttr()
	if err := p.cmd.Start(); err != nil {
		return err
	}
	p.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		p.err = cmd.Wait()
		close(exited)
	}(p.cmd, p.exited)

	// Redis binds its port before it logs "Ready"; a taken port makes it
	// exit straight away. Wait for one or the other so that the retry in
	// startProcess is deterministic.
	for {
		if err := p.alive(ctx); err != nil {
			if isAddrInUse(p.out.String()) {
				return fmt.Errorf("%w: %w", errAddrInUse, err)
			}
			return err
		}
		if ping(ctx, net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)), 200*time.Millisecond) == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			_ = p.kill()
			return fmt.Errorf("wait for redis-server: %w\n%s", ctx.Err(), lastLines(p.out.String(), 5))
		case <-time.After(readyPollInterval):
		}
	}
}

func (p *processBackend) alive(context.Context) error {
	select {
	case <-p.exited:
		return fmt.Errorf("redis-server exited: %v\n%s", p.err, lastLines(p.out.String(), 5))
	default:
		return nil
	}
}

func (p *processBackend) pause(context.Context) error {
	if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		return err
	}
	return waitProcessState(p.cmd.Process.Pid, true)
}

func (p *processBackend) unpause(context.Context) error {
	if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		return err
	}
	return waitProcessState(p.cmd.Process.Pid, false)
}

func (p *processBackend) stop(ctx context.Context) error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	timer := time.NewTimer(stopGrace)
	defer timer.Stop()
	select {
	case <-p.exited:
		return nil
	case <-timer.C:
	case <-ctx.Done():
	}
	return p.kill()
}

// kill sends SIGKILL and waits for the process to be reaped.
func (p *processBackend) kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-p.exited
	return nil
}

func (p *processBackend) close(context.Context) error {
	err := p.kill()
	return errors.Join(err, os.RemoveAll(p.dir))
}

// processExists reports whether a process with this pid runs on this host.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
