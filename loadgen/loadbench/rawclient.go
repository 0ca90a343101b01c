package loadbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/gorilla/websocket"

	"github.com/utalk/rtconform/loadgen/metrics"
)

// RawConfig configures the raw client: the baseline that does the least a Socket.IO
// client can do over a websocket. Its frames are pre-built, its replies are found by
// a byte search for the messageId, nothing is decoded: what it measures is the
// kernel, the loopback and the server, which our generator pays for too.
type RawConfig struct {
	URL       string   `json:"url"`
	Namespace string   `json:"namespace"`
	AuthField string   `json:"authField"`
	Tokens    []string `json:"tokens"`
	// SendEvent is sent with {"messageId","conversationId","type","text"}; a frame
	// of ReplyEvent naming the messageId answers it.
	SendEvent  string `json:"sendEvent"`
	ReplyEvent string `json:"replyEvent"`
	// Rate is the open rate in msg/s over all connections, timed from the intended
	// send time; 0 is a closed loop (each connection sends after its reply).
	Rate     float64       `json:"rate"`
	Warmup   time.Duration `json:"warmupNs"`
	Duration time.Duration `json:"durationNs"`
	Timeout  time.Duration `json:"timeoutNs"`
}

// RawResult is what the raw client measured.
type RawResult struct {
	Acked int64 `json:"acked"`
	// Steady holds one-second periods of the steady part (after Warmup).
	Steady []RawPeriod `json:"steady"`
	// Latency is the steady part's reply latency from the intended send, µs, in
	// HdrHistogram's V2 compressed encoding.
	Latency  string   `json:"latencyHistogram"`
	Failures Failures `json:"failures"`
}

// RawPeriod is one second of the raw client's steady part: its replies, and the
// latency of the messages intended in that second (encoded as Latency).
type RawPeriod struct {
	Start   time.Time `json:"start"`
	Acked   int64     `json:"acked"`
	Latency string    `json:"latencyHistogram,omitempty"`
}

type rawConn struct {
	ws      *websocket.Conn
	wmu     sync.Mutex
	mu      sync.Mutex
	pending map[string]time.Time
	next    chan struct{} // closed loop: a reply came
}

// RunRaw runs the raw client.
func RunRaw(ctx context.Context, cfg RawConfig) (*RawResult, error) {
	if len(cfg.Tokens) == 0 || cfg.Duration <= 0 {
		return nil, errors.New("loadbench: raw client needs tokens and a duration")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	res := &RawResult{}
	hist := metrics.NewHistogram()
	var histMu sync.Mutex
	var acked atomic.Int64
	start := time.Now().Add(time.Second) // after the connects below
	steadyAt := start.Add(cfg.Warmup)
	end := steadyAt.Add(cfg.Duration)
	buckets := make([]atomic.Int64, int(cfg.Duration/time.Second)+2)
	perSecond := make([]*hdr.Histogram, len(buckets))
	for i := range perSecond {
		perSecond[i] = metrics.NewHistogram()
	}
	onReply := func(intended, now time.Time) {
		acked.Add(1)
		if intended.Before(steadyAt) || !intended.Before(end) {
			return // warm-up: not recorded
		}
		v := metrics.Micros(now.Sub(intended))
		histMu.Lock()
		_ = hist.RecordValue(v)
		_ = perSecond[int(intended.Sub(steadyAt)/time.Second)].RecordValue(v)
		histMu.Unlock()
		if now.After(steadyAt) && now.Before(end) {
			buckets[int(now.Sub(steadyAt)/time.Second)].Add(1)
		}
	}
	conns := make([]*rawConn, len(cfg.Tokens))
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i, tok := range cfg.Tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := rawDial(ctx, cfg, tok)
			if err != nil {
				failed.Add(1)
				return
			}
			conns[i] = c
			go c.read(cfg, onReply)
		}()
	}
	wg.Wait()
	res.Failures.ConnectFailed = failed.Load()
	var live []*rawConn
	for _, c := range conns {
		if c != nil {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return nil, errors.New("loadbench: raw client: no connection")
	}
	time.Sleep(time.Until(start))
	frame := func(c int, n int64) ([]byte, string) {
		id := "raw-" + strconv.Itoa(c) + "-" + strconv.FormatInt(n, 10)
		return []byte(fmt.Sprintf(`42%s,[%q,{"messageId":%q,"conversationId":"conv_raw_%d","type":"text","text":%q}]`,
			cfg.Namespace, cfg.SendEvent, id, c, artilleryText)), id
	}
	if cfg.Rate > 0 {
		gap := time.Duration(float64(time.Second) / cfg.Rate)
		for n := int64(0); ; n++ {
			intended := start.Add(time.Duration(n) * gap)
			if !intended.Before(end) || ctx.Err() != nil {
				break
			}
			time.Sleep(time.Until(intended))
			ci := int(n % int64(len(live)))
			b, id := frame(ci, n)
			live[ci].send(b, id, intended)
		}
	} else {
		var lw sync.WaitGroup
		for ci, c := range live {
			lw.Add(1)
			go func() {
				defer lw.Done()
				t := time.NewTimer(cfg.Timeout)
				defer t.Stop()
				for n := int64(0); time.Now().Before(end) && ctx.Err() == nil; n++ {
					b, id := frame(ci, n)
					c.send(b, id, time.Now())
					t.Reset(cfg.Timeout)
					select {
					case <-c.next:
					case <-t.C:
					}
				}
			}()
		}
		lw.Wait()
	}
	// Drain: wait for the last replies, up to the timeout.
	deadline := time.Now().Add(cfg.Timeout)
	for time.Now().Before(deadline) && rawPending(live) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	res.Failures.Timeouts = int64(rawPending(live))
	for _, c := range live {
		c.ws.Close()
	}
	res.Acked = acked.Load()
	histMu.Lock()
	for i := 0; i < int(cfg.Duration/time.Second); i++ {
		enc, err := encodeHist(perSecond[i])
		if err != nil {
			histMu.Unlock()
			return nil, err
		}
		res.Steady = append(res.Steady, RawPeriod{Start: steadyAt.Add(time.Duration(i) * time.Second), Acked: buckets[i].Load(), Latency: enc})
	}
	enc, err := encodeHist(hist)
	histMu.Unlock()
	if err != nil {
		return nil, err
	}
	res.Latency = enc
	return res, nil
}

func encodeHist(h *hdr.Histogram) (string, error) {
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	return string(b), err
}

func rawPending(cs []*rawConn) int {
	n := 0
	for _, c := range cs {
		c.mu.Lock()
		n += len(c.pending)
		c.mu.Unlock()
	}
	return n
}

func rawDial(ctx context.Context, cfg RawConfig, tok string) (*rawConn, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, err
	}
	u.Scheme, u.Path, u.RawQuery = "ws", "/socket.io/", "EIO=4&transport=websocket"
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	ws, _, err := websocket.DefaultDialer.DialContext(dctx, u.String(), nil)
	if err != nil {
		return nil, err
	}
	_ = ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, b, err := ws.ReadMessage(); err != nil || len(b) == 0 || b[0] != '0' {
		ws.Close()
		return nil, fmt.Errorf("raw: open packet %q: %v", b, err)
	}
	auth, _ := json.Marshal(map[string]string{cfg.AuthField: tok})
	if err := ws.WriteMessage(websocket.TextMessage, append([]byte("40"+cfg.Namespace+","), auth...)); err != nil {
		ws.Close()
		return nil, err
	}
	want := []byte("40" + cfg.Namespace + ",")
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			ws.Close()
			return nil, err
		}
		if bytes.HasPrefix(b, want) {
			break
		}
		if bytes.HasPrefix(b, []byte("44"+cfg.Namespace)) {
			ws.Close()
			return nil, fmt.Errorf("raw: connect refused: %s", b)
		}
	}
	_ = ws.SetReadDeadline(time.Time{})
	return &rawConn{ws: ws, pending: map[string]time.Time{}, next: make(chan struct{}, 1)}, nil
}

func (c *rawConn) send(b []byte, id string, intended time.Time) {
	c.mu.Lock()
	c.pending[id] = intended
	c.mu.Unlock()
	c.wmu.Lock()
	err := c.ws.WriteMessage(websocket.TextMessage, b)
	c.wmu.Unlock()
	if err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}
}

var midKey = []byte(`"messageId":"`)

func (c *rawConn) read(cfg RawConfig, onReply func(intended, now time.Time)) {
	reply := []byte("42" + cfg.Namespace + `,["` + cfg.ReplyEvent + `"`)
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		now := time.Now()
		switch {
		case len(b) == 1 && b[0] == '2':
			c.wmu.Lock()
			_ = c.ws.WriteMessage(websocket.TextMessage, []byte{'3'})
			c.wmu.Unlock()
		case bytes.HasPrefix(b, reply):
			i := bytes.Index(b, midKey)
			if i < 0 {
				continue
			}
			rest := b[i+len(midKey):]
			j := bytes.IndexByte(rest, '"')
			if j < 0 {
				continue
			}
			c.mu.Lock()
			intended, ok := c.pending[string(rest[:j])]
			delete(c.pending, string(rest[:j]))
			c.mu.Unlock()
			if ok {
				onReply(intended, now)
				select {
				case c.next <- struct{}{}:
				default:
				}
			}
		}
	}
}
