package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

// client opens the connections of one workload against one server.
type client struct {
	contract  *spec.Contract
	url       string
	namespace string
	tokens    *token.Secret
	run       string // unique per workload, keeps tenants apart
	// soloWorkspaces gives every user a workspace of its own, so that connecting
	// triggers no presence broadcast to the others (the idle workload measures the
	// cost of a connection, not of presence fan-out, which the Node server lacks).
	soloWorkspaces bool
	// userOffset numbers dialAll's users from here (u<offset+i>).
	userOffset int
}

func (c *client) dial(ctx context.Context, user string, handlers map[string]sioconn.Handler) (*sioconn.Conn, error) {
	ws := "ws_bench"
	if c.soloWorkspaces {
		ws = "ws_" + user
	}
	tok, err := c.tokens.Token(ctx, token.Claims{Sub: user, Role: "agent", TenantID: "bench_" + c.run,
		WorkspaceID: ws, TTL: time.Hour})
	if err != nil {
		return nil, err
	}
	return sioconn.Dial(ctx, sioconn.Options{URL: c.url, Namespace: c.namespace,
		Auth: map[string]any{"token": tok}, Handlers: handlers, ConnectTimeout: 20 * time.Second})
}

// dialAll opens n connections, 50 at a time.
func (c *client) dialAll(ctx context.Context, n int, handlers func(i int) map[string]sioconn.Handler) ([]*sioconn.Conn, error) {
	conns := make([]*sioconn.Conn, n)
	sem := make(chan struct{}, 50)
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var h map[string]sioconn.Handler
			if handlers != nil {
				h = handlers(i)
			}
			conn, err := c.dial(ctx, fmt.Sprintf("u%d", c.userOffset+i), h)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("connection %d: %w", i, err)
			}
			conns[i] = conn
		}()
	}
	wg.Wait()
	if firstErr != nil {
		closeAll(conns)
		return nil, firstErr
	}
	return conns, nil
}

// closeAll closes conns, 200 at a time (each Close may wait for the server's
// close frame).
func closeAll(conns []*sioconn.Conn) {
	sem := make(chan struct{}, 200)
	var wg sync.WaitGroup
	for _, c := range conns {
		if c == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_ = c.Close()
		}()
	}
	wg.Wait()
}

// send emits one send-message event with an ack and checks the answer is the reply.
func (c *client) send(ctx context.Context, conn *sioconn.Conn, conv string, n int64) error {
	send := c.contract.ByRole(spec.SendMessage)
	payload := map[string]any{"messageId": fmt.Sprintf("%s-%s-%d", c.run, conn.SID(), n),
		"conversationId": conv, "type": "text", "text": "Hola, ¿cómo estás? 👋"}
	raw, err := conn.EmitWithAck(ctx, send.Name, payload)
	if err != nil {
		return err
	}
	var args []struct {
		Event string `json:"event"`
	}
	if err := json.Unmarshal(raw, &args); err != nil || len(args) == 0 {
		return fmt.Errorf("ack %s: %v", raw, err)
	}
	if args[0].Event != send.Reply.Name {
		return fmt.Errorf("ack event %q, want %q: %s", args[0].Event, send.Reply.Name, raw)
	}
	return nil
}

// ackedPhase opens o.Senders connections and runs the acked workload on them for
// o.Duration: acked messages, server CPU time, messages per second. With profile
// set it saves a CPU profile of the server taken meanwhile.
func (c *client) ackedPhase(ctx context.Context, o Options, pid int, t target, profile string) (int64, time.Duration, float64, error) {
	conns, err := c.dialAll(ctx, o.Senders, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	defer closeAll(conns)
	var prof <-chan error
	if profile != "" {
		// Allocation counts are cumulative: the difference over the workload is
		// go tool pprof -sample_index alloc_space -diff_base PREFIX.allocs.before.pprof.
		if err := fetch(ctx, t.pprof+"allocs", allocsPath(profile, "before")); err != nil {
			return 0, 0, 0, err
		}
		prof = cpuProfile(ctx, t.pprof, max(1, int(o.Duration/time.Second)-1), profile)
	}
	cpu0, err := cpuTime(pid)
	if err != nil {
		return 0, 0, 0, err
	}
	t0 := time.Now()
	n, err := c.acked(ctx, conns, o.Duration)
	elapsed := time.Since(t0)
	cpu1, _ := cpuTime(pid)
	if err != nil {
		return 0, 0, 0, err
	}
	if prof != nil {
		if err := <-prof; err != nil {
			return 0, 0, 0, err
		}
		if err := fetch(ctx, t.pprof+"allocs", allocsPath(profile, "after")); err != nil {
			return 0, 0, 0, err
		}
	}
	return n, cpu1 - cpu0, float64(n) / elapsed.Seconds(), nil
}

// allocsPath names the allocation profiles next to the CPU profile
// (go-acked.cpu.pprof -> go-acked.allocs.before.pprof).
func allocsPath(cpuProfile, when string) string {
	return strings.TrimSuffix(cpuProfile, ".cpu.pprof") + ".allocs." + when + ".pprof"
}

// acked runs conns senders, each with its own conversation, for d; it returns the
// number of acknowledged messages.
func (c *client) acked(ctx context.Context, conns []*sioconn.Conn, d time.Duration) (int64, error) {
	var total atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	errs := make(chan error, len(conns))
	var wg sync.WaitGroup
	for i, conn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conv := fmt.Sprintf("conv_bench_%s_%d", c.run, i)
			for n := int64(0); ctx.Err() == nil; n++ {
				if err := c.send(ctx, conn, conv, n); err != nil {
					if ctx.Err() == nil {
						errs <- err
					}
					return
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return total.Load(), <-errs
}
