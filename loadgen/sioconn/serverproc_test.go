package sioconn_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serverProc is the echoserver helper running in its own process, so that
// CPU time, allocations and RSS measured in the test process are the client's.
type serverProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	url   string
}

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// echoServerBinary builds ./internal/echoserver once per test binary.
func echoServerBinary() (string, error) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sioconn-echoserver-")
		if err != nil {
			buildErr = err
			return
		}
		buildBin = filepath.Join(dir, "echoserver")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(goTool, "build", "-o", buildBin, "./internal/echoserver").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build echoserver: %w: %s", err, out)
		}
	})
	return buildBin, buildErr
}

func removeEchoServerBinary() {
	if buildBin != "" {
		_ = os.RemoveAll(filepath.Dir(buildBin))
	}
}

// startServerProc starts the echoserver helper and waits for its address.
func startServerProc(tb testing.TB, args ...string) *serverProc {
	tb.Helper()
	bin, err := echoServerBinary()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &serverProc{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	tb.Cleanup(p.stop)
	select {
	case line := <-p.lines:
		u, ok := strings.CutPrefix(line, "listening ")
		if !ok {
			tb.Fatalf("echoserver said %q", line)
		}
		p.url = u
	case <-time.After(30 * time.Second):
		tb.Fatal("echoserver did not start")
	}
	return p
}

// rssKB asks the helper for its resident set size in kB.
func (p *serverProc) rssKB() int {
	if _, err := io.WriteString(p.stdin, "rss\n"); err != nil {
		return -1
	}
	select {
	case line := <-p.lines:
		n, _ := strconv.Atoi(strings.TrimPrefix(line, "rss "))
		return n
	case <-time.After(5 * time.Second):
		return -1
	}
}

func (p *serverProc) stop() {
	_ = p.stdin.Close()
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	for range p.lines {
	}
}

// selfRSSKB returns this process's VmRSS in kB.
func selfRSSKB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return -1
}

// cpuTime returns the user+system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
