// Package sioconn is a lean Socket.IO v5 client connection over an
// Engine.IO v4 websocket, for load generators that must not be the
// bottleneck.
//
// A Conn is one namespace on one websocket: no polling, no upgrade, no
// reconnection, no multiplexing, no binary attachments. It costs one
// goroutine (the read goroutine) and about 11-15 kB of client memory per idle
// connection.
//
// Dial connects and returns once the namespace CONNECT has succeeded;
// a refusal comes back as a *ConnectError carrying the server's data:
//
//	c, err := sioconn.Dial(ctx, sioconn.Options{
//		URL:       "http://127.0.0.1:3000",
//		Namespace: "/app",
//		Auth:      map[string]any{"token": token},
//		Handlers: map[string]sioconn.Handler{
//			"message": func(args []json.RawMessage) { ... }, // runs on the read goroutine
//		},
//	})
//	var ce *sioconn.ConnectError
//	if errors.As(err, &ce) {
//		log.Printf("refused: %s (%s)", ce.Message, ce.Code) // e.g. TOKEN_EXPIRED
//	}
//	defer c.Close() // sends 41/app, and closes the websocket
//
//	reply, err := c.EmitWithAck(ctx, "echo", map[string]string{"body": "hi"})
//	// reply is the ack's argument array, e.g. [{"body":"hi"}]
//
//	<-c.Done()
//	switch c.CloseReason() {
//	case sioconn.ReasonServerDisconnect: // the server sent 41/app,
//	case sioconn.ReasonPingTimeout:      // no ping within pingInterval+pingTimeout
//	case sioconn.ReasonTransportClose:   // the websocket went away
//	}
//
// The read goroutine answers server pings as soon as it reads them, with no
// callback in between, and a timer closes the connection with
// ReasonPingTimeout when no ping arrives within pingInterval+pingTimeout.
// Handlers run on the read goroutine, so a handler that blocks also delays
// pings: keep handlers short. The arguments handed to a handler are views
// into the read buffer, valid until it returns.
//
// Frames are parsed by sioconn itself rather than by the zishang520 parsers;
// packet.go says why and BenchmarkDecodeEvent measures it.
//
// Against a zishang520 server (v3.0.6), two server-side races show up with a
// client this fast; both are the server's, seen in its debug log:
//   - it writes the CONNECT reply before it registers the socket, and
//     force-closes a client whose next packet wins ("invalid state"): set
//     Options.ReadyEvent to an event the server emits on connection;
//   - it writes each ping before it arms the ping-timeout timer, so a pong
//     that wins leaves a stale timer that closes the connection unless the
//     next ping comes first: 1-2 in 3,000 heartbeats when pingTimeout is
//     shorter than pingInterval (the defaults, 20 s and 25 s), none seen when
//     it is longer.
//
// Not supported: polling, upgrades, reconnection, several namespaces on one
// engine, binary attachments (dropped and reported to Options.OnError),
// replies to acks the server asks for, and more than one argument per Emit.
package sioconn
