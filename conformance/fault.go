package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// FaultProxy is a TCP proxy run in-process (github.com/Shopify/toxiproxy/v2 as a
// library) that the suite puts between a client and a server, or between the servers
// and Redis, to lose, hold or delay what crosses it.
type FaultProxy struct {
	p *toxiproxy.Proxy

	mu     sync.Mutex
	toxics []string
}

// proxySeq names proxies uniquely within the process.
var proxySeq sync.Mutex
var proxyN int

// NewFaultProxy starts a proxy that listens on listen (host:port; port 0 picks one)
// and forwards to upstream (host:port).
func NewFaultProxy(listen, upstream string) (*FaultProxy, error) {
	proxySeq.Lock()
	proxyN++
	name := fmt.Sprintf("conformance-%d", proxyN)
	proxySeq.Unlock()
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, name, listen, upstream)
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("fault proxy %s -> %s: %w", listen, upstream, err)
	}
	return &FaultProxy{p: p}, nil
}

// Addr is the address the proxy listens on, host:port.
func (f *FaultProxy) Addr() string {
	f.p.Lock()
	defer f.p.Unlock()
	return f.p.Listen
}

// Streams of a toxic: downstream is upstream -> client (the server's answers, or
// Redis's replies), upstream is client -> upstream.
const (
	Downstream = "downstream"
	Upstream   = "upstream"
)

func (f *FaultProxy) add(name, typ, stream string, attrs string) error {
	body := fmt.Sprintf(`{"name":%q,"type":%q,"stream":%q,"toxicity":1,"attributes":%s}`, name, typ, stream, attrs)
	if _, err := f.p.Toxics.AddToxicJson(strings.NewReader(body)); err != nil {
		return fmt.Errorf("fault proxy: add %s toxic %s: %w", typ, name, err)
	}
	f.mu.Lock()
	f.toxics = append(f.toxics, name)
	f.mu.Unlock()
	return nil
}

// Blackhole drops everything that flows in stream from now on, keeping the
// connections open, until Clear.
func (f *FaultProxy) Blackhole(stream string) error {
	return f.add("blackhole-"+stream, "timeout", stream, `{"timeout":0}`)
}

// Hold stops what flows in both directions without losing it, as a hung peer
// does: connections are accepted, nothing is answered, and everything held is
// delivered once Clear is called.
func (f *FaultProxy) Hold() error {
	const hour = 3_600_000
	for _, s := range []string{Upstream, Downstream} {
		if err := f.add("hold-"+s, "latency", s, fmt.Sprintf(`{"latency":%d}`, hour)); err != nil {
			return err
		}
	}
	return nil
}

// Latency adds d to what flows in both directions.
func (f *FaultProxy) Latency(d time.Duration) error {
	for _, s := range []string{Upstream, Downstream} {
		if err := f.add("latency-"+s, "latency", s, fmt.Sprintf(`{"latency":%d}`, d.Milliseconds())); err != nil {
			return err
		}
	}
	return nil
}

// Clear removes every toxic; held data is delivered.
func (f *FaultProxy) Clear() error {
	f.mu.Lock()
	names := f.toxics
	f.toxics = nil
	f.mu.Unlock()
	var errs []error
	for _, n := range names {
		if err := f.p.Toxics.RemoveToxic(context.Background(), n); err != nil && !errors.Is(err, toxiproxy.ErrToxicNotFound) {
			errs = append(errs, fmt.Errorf("fault proxy: remove toxic %s: %w", n, err))
		}
	}
	return errors.Join(errs...)
}

// Stop closes every connection through the proxy and refuses new ones, as a peer that
// went away does.
func (f *FaultProxy) Stop() { f.p.Stop() }

// Start listens again on the same address after Stop.
func (f *FaultProxy) Start() error {
	if err := f.p.Start(); err != nil && !errors.Is(err, toxiproxy.ErrProxyAlreadyStarted) {
		return fmt.Errorf("fault proxy: restart on %s: %w", f.Addr(), err)
	}
	return nil
}

// Close stops the proxy for good.
func (f *FaultProxy) Close() error {
	err := f.Clear()
	f.p.Stop()
	return err
}
