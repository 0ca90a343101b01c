package loadbench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"sync"
	"syscall"
	"time"
)

// sampleEvery paces the CPU and memory samples of a process.
const sampleEvery = 100 * time.Millisecond

// cpuSample is the CPU time of a process tree at a wall-clock time.
type cpuSample struct {
	at       time.Time
	cpu, sys time.Duration
}

// process is one client or server run in its own process group, its CPU time
// sampled from /proc every sampleEvery.
type process struct {
	name string
	cmd  *exec.Cmd
	log  *os.File

	mu      sync.Mutex
	samples []cpuSample
	peak    Memory
	done    chan struct{} // closed when the process has been waited for
	waitErr error
}

// startProcess runs argv with env added to this process's environment, output to
// logPath, and starts sampling it.
func startProcess(name string, argv, env []string, dir, logPath string) (*process, error) {
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start %s %v: %w", name, argv, err)
	}
	p := &process{name: name, cmd: cmd, log: lf, done: make(chan struct{})}
	go p.sample()
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.waitErr = err
		if st := cmd.ProcessState; st != nil {
			// The rusage of a waited-for process includes its reaped children.
			p.samples = append(p.samples, cpuSample{at: time.Now(), cpu: st.UserTime() + st.SystemTime(), sys: st.SystemTime()})
		}
		p.mu.Unlock()
		lf.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) sample() {
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		cpu, sys, err := treeCPU(p.pid())
		mem, merr := readMemory(p.pid())
		now := time.Now()
		p.mu.Lock()
		select {
		case <-p.done:
			p.mu.Unlock()
			return
		default:
		}
		if err == nil {
			p.samples = append(p.samples, cpuSample{at: now, cpu: cpu, sys: sys})
		}
		if merr == nil {
			p.peak.RSS = max(p.peak.RSS, mem.RSS)
			p.peak.Peak = max(p.peak.Peak, mem.Peak)
		}
		p.mu.Unlock()
		select {
		case <-p.done:
			return
		case <-t.C:
		}
	}
}

// memory is the highest RSS sampled and the kernel's high-water mark (VmHWM).
func (p *process) memory() Memory {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}

// cpuAt is the process tree's CPU time at wall time t, interpolated linearly
// between the samples around it.
func (p *process) cpuAt(t time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return interpolate(p.samples, t, func(s cpuSample) time.Duration { return s.cpu })
}

// sysAt is the kernel part of cpuAt.
func (p *process) sysAt(t time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return interpolate(p.samples, t, func(s cpuSample) time.Duration { return s.sys })
}

// cpuTotal is the last CPU time known: the rusage at exit once the process is done.
func (p *process) cpuTotal() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.samples) == 0 {
		return 0
	}
	return p.samples[len(p.samples)-1].cpu
}

func interpolate(s []cpuSample, t time.Time, v func(cpuSample) time.Duration) time.Duration {
	if len(s) == 0 {
		return 0
	}
	i := sort.Search(len(s), func(i int) bool { return !s[i].at.Before(t) })
	switch {
	case i == 0:
		return v(s[0])
	case i == len(s):
		return v(s[len(s)-1])
	}
	a, b := s[i-1], s[i]
	span := b.at.Sub(a.at)
	if span <= 0 {
		return v(b)
	}
	f := float64(t.Sub(a.at)) / float64(span)
	return v(a) + time.Duration(f*float64(v(b)-v(a)))
}

// wait waits for the process to exit by itself within d, then kills it.
func (p *process) wait(ctx context.Context, d time.Duration) error {
	select {
	case <-p.done:
	case <-time.After(d):
		p.stop()
		return fmt.Errorf("%s did not finish within %s (log %s)", p.name, d, p.log.Name())
	case <-ctx.Done():
		p.stop()
		return ctx.Err()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.waitErr != nil {
		return fmt.Errorf("%s: %w (log %s)", p.name, p.waitErr, p.log.Name())
	}
	return nil
}

// exitCode is the process's exit status, or -1 while it runs or when killed.
func (p *process) exitCode() int {
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	default:
		return -1
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after 5 s.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = syscall.Kill(-p.pid(), syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
		<-p.done
	}
}

// waitListen waits until addr accepts TCP connections or the process exits.
func (p *process) waitListen(ctx context.Context, addr string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return errors.New(p.name + " exited before listening; log " + p.log.Name())
		default:
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.stop()
			return fmt.Errorf("%s did not listen on %s within %s (log %s)", p.name, addr, d, p.log.Name())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
