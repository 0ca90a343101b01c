package loadbench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// startEchoProcess runs `loadbench echo` (Options.Self) on a free port.
func startEchoProcess(ctx context.Context, o *Options, work, tag string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	p, err := startProcess("echo server ("+tag+")", []string{o.Self, "echo", "--addr", addr}, nil, "",
		filepath.Join(work, tag+"-echo.log"))
	if err != nil {
		return nil, err
	}
	if err := p.waitListen(ctx, addr, 30*time.Second); err != nil {
		return nil, err
	}
	return &server{process: p, url: "http://" + addr}, nil
}

// rawRun is one run of the raw client in its own process (`loadbench raw`).
type rawRun struct {
	proc *process
	res  RawResult
}

func runRawProcess(ctx context.Context, o *Options, cfg RawConfig, work, tag string, limit time.Duration) (*rawRun, error) {
	cfgPath, outPath := filepath.Join(work, tag+"-raw-config.json"), filepath.Join(work, tag+"-raw-result.json")
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		return nil, err
	}
	p, err := startProcess("raw client ("+tag+")", []string{o.Self, "raw", "--config", cfgPath, "--out", outPath}, nil, "",
		filepath.Join(work, tag+"-raw.log"))
	if err != nil {
		return nil, err
	}
	if err := p.wait(ctx, limit); err != nil {
		return nil, err
	}
	r := &rawRun{proc: p}
	b, err = os.ReadFile(outPath)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &r.res); err != nil {
		return nil, fmt.Errorf("%s: %w", outPath, err)
	}
	return r, nil
}

// RawMain is `loadbench raw --config F --out F`: the raw client, run by Run in
// its own process so that its CPU time is its own.
func RawMain(ctx context.Context, cfgPath, outPath string) error {
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	var cfg RawConfig
	if err := json.Unmarshal(b, &cfg); err != nil {
		return fmt.Errorf("%s: %w", cfgPath, err)
	}
	res, err := RunRaw(ctx, cfg)
	if err != nil {
		return err
	}
	out, err := json.Marshal(res)
	if err != nil {
		return err
	}
	return os.WriteFile(outPath, out, 0o644)
}

// periods are the raw client's steady seconds.
func (r *rawRun) periods() []period {
	var out []period
	for _, p := range r.res.Steady {
		out = append(out, period{start: p.Start, end: p.Start.Add(time.Second), acked: p.Acked})
	}
	return out
}

func (r *rawRun) hist() (*hdr.Histogram, error) { return hdr.Decode([]byte(r.res.Latency)) }
