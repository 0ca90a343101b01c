// Command echoserver runs the sioserver test server in its own process so
// that a benchmark or load probe can measure the client's CPU and RSS alone.
//
// It prints "listening http://ADDR" on stdout once ready, prints its RSS when
// it receives a line "rss" on stdin, and exits when stdin closes, so the
// parent's death never leaves it running.
//
//	go run ./loadgen/sioconn/internal/echoserver -ping-interval 25s
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	pingInterval := flag.Duration("ping-interval", 0, "Engine.IO ping interval (0: library default)")
	pingTimeout := flag.Duration("ping-timeout", 0, "Engine.IO ping timeout (0: library default)")
	flag.Parse()

	srv, err := sioserver.Start(sioserver.Config{Addr: *addr, PingInterval: *pingInterval, PingTimeout: *pingTimeout})
	if err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
	fmt.Println("listening", srv.URL())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if strings.TrimSpace(in.Text()) == "rss" {
			fmt.Println("rss", vmRSS())
		}
	}
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

// vmRSS returns the VmRSS line of /proc/self/status, in kB, or "?".
func vmRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
		}
	}
	return "?"
}
