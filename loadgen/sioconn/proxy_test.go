package sioconn_test

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// pausableProxy forwards TCP connections to a target. While paused it
// stops forwarding in both directions, holding what it has read, which
// looks to both ends like a hung peer with open sockets.
type pausableProxy struct {
	ln     net.Listener
	target string
	gate   atomic.Pointer[chan struct{}] // closed channel: running
	closed chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
}

func newPausableProxy(t *testing.T, target string) *pausableProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pausableProxy{ln: ln, target: target, closed: make(chan struct{})}
	p.Resume()
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// URL returns the proxy's http:// address.
func (p *pausableProxy) URL() string { return "http://" + p.ln.Addr().String() }

// Pause stops forwarding.
func (p *pausableProxy) Pause() {
	ch := make(chan struct{})
	p.gate.Store(&ch)
}

// Resume forwards again, starting with what was held.
func (p *pausableProxy) Resume() {
	ch := make(chan struct{})
	close(ch)
	old := p.gate.Swap(&ch)
	if old != nil {
		select {
		case <-*old:
		default:
			close(*old)
		}
	}
}

func (p *pausableProxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pump(out, in)
		go p.pump(in, out)
	}
}

func (p *pausableProxy) pump(dst, src net.Conn) {
	defer p.wg.Done()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			select {
			case <-*p.gate.Load():
			case <-p.closed:
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				_ = src.Close()
			}
			return
		}
	}
}

func (p *pausableProxy) close() {
	close(p.closed)
	_ = p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
