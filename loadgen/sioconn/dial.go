package sioconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gorilla/websocket"
)

// Dial opens an Engine.IO v4 websocket (no polling, no upgrade) to
// opts.URL, reads the open packet, sends the namespace CONNECT with
// opts.Auth and waits for the reply. A CONNECT_ERROR reply is returned as a
// *ConnectError. ctx and opts.ConnectTimeout bound the whole exchange;
// neither affects the Conn once Dial has returned.
func Dial(ctx context.Context, opts Options) (*Conn, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()

	d := websocket.Dialer{
		NetDialContext:  cfg.NetDialContext,
		TLSClientConfig: cfg.TLSConfig,
		ReadBufferSize:  readBufferSize,
		WriteBufferSize: writeBufferSize,
		WriteBufferPool: sharedWriteBuffers,
	}
	ws, resp, err := d.DialContext(ctx, cfg.wsURL, cfg.Header)
	if err != nil {
		if cerr := ctxErr(ctx); cerr != nil {
			return nil, fmt.Errorf("sioconn: dial %s: %w (%v)", cfg.wsURL, cerr, err)
		}
		if resp != nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
			_ = resp.Body.Close()
			return nil, fmt.Errorf("sioconn: dial %s: %w (HTTP %d %q)", cfg.wsURL, err, resp.StatusCode, body)
		}
		return nil, fmt.Errorf("sioconn: dial %s: %w", cfg.wsURL, err)
	}
	ws.SetReadLimit(cfg.MaxMessageSize)

	// Reads during the handshake stop at ctx's deadline or cancellation.
	if dl, ok := ctx.Deadline(); ok {
		_ = ws.SetReadDeadline(dl)
	}
	stopWatch := context.AfterFunc(ctx, func() { _ = ws.SetReadDeadline(time.Now()) })

	c, err := handshake(ws, cfg)
	if !stopWatch() && err == nil {
		err = fmt.Errorf("sioconn: connect %s: %w", cfg.wsURL, context.Cause(ctx)) // ctx ended as the reply came
	}
	if err != nil {
		_ = ws.Close()
		if cerr := ctxErr(ctx); cerr != nil && !isConnectError(err) && !errors.Is(err, cerr) {
			err = fmt.Errorf("sioconn: connect %s: %w (%v)", cfg.wsURL, cerr, err) // a read cut short by ctx
		}
		return nil, err
	}
	_ = ws.SetReadDeadline(time.Time{})
	c.pingTimer = time.AfterFunc(c.pingWait, c.onPingTimeout)
	if cfg.ReadyEvent != "" {
		c.ready, c.readyCh = []byte(cfg.ReadyEvent), make(chan struct{})
	}
	go c.readLoop()
	if c.readyCh != nil {
		select {
		case <-c.readyCh:
		case <-c.done:
			return nil, fmt.Errorf("sioconn: wait for %q: %w", cfg.ReadyEvent, c.Err())
		case <-ctx.Done():
			_ = c.Close()
			return nil, fmt.Errorf("sioconn: wait for %q: %w", cfg.ReadyEvent, context.Cause(ctx))
		}
	}
	return c, nil
}

// ctxErr returns ctx's cause once it is done or its deadline has passed: a
// socket deadline set from ctx can fire a moment before ctx's own timer.
func ctxErr(ctx context.Context) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}

func isConnectError(err error) bool {
	var ce *ConnectError
	return errors.As(err, &ce)
}

// openPacket is the JSON of the Engine.IO open packet.
type openPacket struct {
	SID          string `json:"sid"`
	PingInterval int64  `json:"pingInterval"`
	PingTimeout  int64  `json:"pingTimeout"`
	MaxPayload   int64  `json:"maxPayload"`
}

// handshake reads the open packet, sends CONNECT and reads frames until the
// CONNECT or CONNECT_ERROR reply for the namespace, answering pings.
func handshake(ws *websocket.Conn, cfg *dialConfig) (*Conn, error) {
	frame, err := readText(ws)
	if err != nil {
		return nil, fmt.Errorf("sioconn: read open packet: %w", err)
	}
	var open openPacket
	if len(frame) == 0 || frame[0] != engineOpen || json.Unmarshal(frame[1:], &open) != nil || open.SID == "" {
		return nil, fmt.Errorf("sioconn: bad open packet: %w", protocolError(frame, "want 0{\"sid\":...}"))
	}
	c := &Conn{
		ws:  ws,
		nsp: cfg.Namespace,
		handshake: Handshake{
			EngineSID:    open.SID,
			PingInterval: time.Duration(open.PingInterval) * time.Millisecond,
			PingTimeout:  time.Duration(open.PingTimeout) * time.Millisecond,
			MaxPayload:   open.MaxPayload,
		},
		evPrefix: eventPrefix(cfg.Namespace),
		discPkt:  packetPrefix(socketDisconnect, cfg.Namespace),
		onEvent:  cfg.OnEvent,
		onError:  cfg.OnError,
		done:     make(chan struct{}),
	}
	c.pingWait = c.handshake.PingInterval + c.handshake.PingTimeout
	if c.pingWait <= 0 {
		return nil, fmt.Errorf("sioconn: bad open packet: %w", protocolError(frame, "no pingInterval/pingTimeout"))
	}
	handlers := make(map[string]Handler, len(cfg.Handlers))
	for k, v := range cfg.Handlers {
		handlers[k] = v
	}
	c.handlers.Store(&handlers)

	if err := ws.WriteMessage(websocket.TextMessage, cfg.connectPkt); err != nil {
		return nil, fmt.Errorf("sioconn: send CONNECT: %w", err)
	}
	for {
		frame, err := readText(ws)
		if err != nil {
			return nil, fmt.Errorf("sioconn: wait for CONNECT reply: %w", err)
		}
		if len(frame) == 0 {
			continue
		}
		switch frame[0] {
		case enginePing:
			if err := ws.WriteMessage(websocket.TextMessage, append([]byte{enginePong}, frame[1:]...)); err != nil {
				return nil, fmt.Errorf("sioconn: send pong: %w", err)
			}
			continue
		case engineClose:
			return nil, errors.New("sioconn: server closed the engine before CONNECT reply")
		case engineMessage:
		default:
			continue
		}
		var p packet
		if err := decodePacket(frame, frame[1:], &p); err != nil {
			return nil, err
		}
		if string(p.nsp) != c.nsp {
			continue
		}
		switch p.typ {
		case socketConnect:
			var reply struct {
				SID string `json:"sid"`
			}
			if len(p.data) > 0 {
				if err := json.Unmarshal(p.data, &reply); err != nil {
					return nil, protocolError(frame, "CONNECT reply: "+err.Error())
				}
			}
			c.sid = reply.SID
			return c, nil
		case socketConnectError:
			return nil, parseConnectError(frame, p.data)
		}
	}
}

// parseConnectError decodes a CONNECT_ERROR payload: an object
// {"message":..., "data":...} or, from old servers, a bare string.
func parseConnectError(frame, data []byte) error {
	var msg string
	if firstByte(data) == '"' {
		if err := json.Unmarshal(data, &msg); err != nil {
			return protocolError(frame, "CONNECT_ERROR: "+err.Error())
		}
		return &ConnectError{Message: msg}
	}
	var body struct {
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return protocolError(frame, "CONNECT_ERROR: "+err.Error())
	}
	ce := &ConnectError{Message: body.Message}
	if len(body.Data) > 0 && string(body.Data) != "null" {
		ce.Data = body.Data
		var code struct {
			Code any `json:"code"`
		}
		if json.Unmarshal(body.Data, &code) == nil {
			ce.Code, _ = code.Code.(string)
		}
	}
	return ce
}

// readText reads one text frame during the handshake; binary frames are
// skipped.
func readText(ws *websocket.Conn) ([]byte, error) {
	for {
		typ, b, err := ws.ReadMessage()
		if err != nil {
			return nil, err
		}
		if typ == websocket.TextMessage {
			return b, nil
		}
	}
}

// onPingTimeout runs on the timer's goroutine when no ping came in time.
func (c *Conn) onPingTimeout() {
	if !c.shutdown(ReasonPingTimeout, ErrPingTimeout, true) {
		// Already closing (say Close waits on a silent server): cut it short.
		_ = c.ws.NetConn().Close()
	}
}
