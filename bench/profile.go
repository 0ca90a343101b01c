package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// cpuProfile takes a CPU profile of seconds from the pprof endpoint base
// (".../debug/pprof/") into path, in the background; the channel (buffered, so
// len > 0 once done) yields its error.
func cpuProfile(ctx context.Context, base string, seconds int, path string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- fetch(ctx, base+"profile?seconds="+strconv.Itoa(seconds), path) }()
	return done
}

// fetch saves the body of a GET to path.
func fetch(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof: GET %s: %s", url, res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return fmt.Errorf("pprof: %w", err)
	}
	return f.Close()
}

// goroutines reads the server's goroutine count from its pprof endpoint
// ("goroutine profile: total N"); it fails when base is empty.
func goroutines(ctx context.Context, base string) (int, error) {
	if base == "" {
		return 0, fmt.Errorf("pprof: no endpoint")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"goroutine?debug=1", nil)
	if err != nil {
		return 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	line, _ := bufio.NewReader(res.Body).ReadString('\n')
	n, ok := strings.CutPrefix(strings.TrimSpace(line), "goroutine profile: total ")
	if !ok {
		return 0, fmt.Errorf("pprof: goroutine profile starts %q", line)
	}
	return strconv.Atoi(n)
}
