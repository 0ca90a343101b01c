package sioconn

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrClosed matches, through errors.Is, every error that reports a closed
// connection: a *CloseError from Err, Emit or EmitWithAck.
var ErrClosed = errors.New("sioconn: connection closed")

// ErrBinaryNotSupported is passed to Options.OnError when the server sends a
// binary frame or a BINARY_EVENT / BINARY_ACK packet. The packet is dropped
// and the connection stays open.
var ErrBinaryNotSupported = errors.New("sioconn: binary packets are not supported")

// ErrPingTimeout is the cause of a close with reason ReasonPingTimeout.
var ErrPingTimeout = errors.New("sioconn: no ping from the server within pingInterval+pingTimeout")

// CloseReason says why a connection closed. The values are the reason
// strings of the JavaScript Socket.IO client's "disconnect" event.
type CloseReason string

// Close reasons.
const (
	// ReasonServerDisconnect: the server sent a DISCONNECT packet for the
	// namespace (socket.disconnect() on the server).
	ReasonServerDisconnect CloseReason = "io server disconnect"
	// ReasonClientDisconnect: Close was called.
	ReasonClientDisconnect CloseReason = "io client disconnect"
	// ReasonPingTimeout: no ping within pingInterval+pingTimeout.
	ReasonPingTimeout CloseReason = "ping timeout"
	// ReasonTransportClose: the websocket closed or failed, or the server
	// sent an Engine.IO CLOSE packet.
	ReasonTransportClose CloseReason = "transport close"
	// ReasonParseError: the server sent a frame that does not decode.
	ReasonParseError CloseReason = "parse error"
)

// CloseError is the error of a closed connection: Err returns it once Done
// is closed, and Emit and EmitWithAck return it after the close began.
type CloseError struct {
	Reason CloseReason
	Err    error // the cause, if any: a transport error, ErrPingTimeout, a *ProtocolError
}

// Error implements error.
func (e *CloseError) Error() string {
	if e.Err == nil {
		return "sioconn: closed: " + string(e.Reason)
	}
	return "sioconn: closed: " + string(e.Reason) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *CloseError) Unwrap() error { return e.Err }

// Is reports whether target is ErrClosed.
func (e *CloseError) Is(target error) bool { return target == ErrClosed }

// ConnectError is returned by Dial when the server refuses the namespace
// CONNECT with a CONNECT_ERROR packet, for example
// 44/app,{"message":"token expired","data":{"code":"TOKEN_EXPIRED"}}.
type ConnectError struct {
	Message string          // the "message" field, or the whole payload when it is a JSON string
	Data    json.RawMessage // the "data" field, nil when absent
	Code    string          // Data's "code" field when it is a string, else ""
}

// Error implements error.
func (e *ConnectError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("sioconn: connect_error: %s (code %s)", e.Message, e.Code)
	}
	return "sioconn: connect_error: " + e.Message
}

// ProtocolError reports a frame from the server that does not decode.
type ProtocolError struct {
	Reason string // what is wrong
	Frame  string // the start of the frame, at most 64 bytes
}

// Error implements error.
func (e *ProtocolError) Error() string {
	return fmt.Sprintf("sioconn: bad frame %q: %s", e.Frame, e.Reason)
}

func protocolError(frame []byte, reason string) *ProtocolError {
	if len(frame) > 64 {
		frame = frame[:64]
	}
	return &ProtocolError{Reason: reason, Frame: string(frame)}
}
