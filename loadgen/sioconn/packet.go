package sioconn

import (
	"bytes"
	"encoding/json"
	"math"
)

// The Engine.IO and Socket.IO wire codes. They equal the tables of the
// library parsers (engine parser.PACKET_TYPES, socket parser.PacketType);
// TestWireCodesMatchLibrary checks that.
//
// Why sioconn does not call those parsers on its hot path: for each frame
// the engine parser copies the bytes into a fresh StringBuffer, and the
// socket decoder decodes the whole JSON payload into map[string]any /
// []any values and hands the packet over through an EventEmitter; an
// argument handed to a json.RawMessage callback would then be marshalled
// again. BenchmarkDecodeEvent measures that path against decodeFrame; see
// the numbers in its comment. The text formats are small, so sioconn parses
// them itself and keeps arguments as views into the read buffer.
const (
	engineOpen    = '0'
	engineClose   = '1'
	enginePing    = '2'
	enginePong    = '3'
	engineMessage = '4'
	engineUpgrade = '5'
	engineNoop    = '6'
	engineBinary  = 'b' // base64 binary message (polling only)

	socketConnect      = 0
	socketDisconnect   = 1
	socketEvent        = 2
	socketAck          = 3
	socketConnectError = 4
	socketBinaryEvent  = 5
	socketBinaryAck    = 6
)

// packet is one decoded Socket.IO packet. Its slices are views into the
// frame it was decoded from.
type packet struct {
	typ      byte   // socketConnect ... socketBinaryAck
	nsp      []byte // namespace, "/" when the frame names none
	id       uint64 // ack id, valid when hasID
	hasID    bool
	idDigits int    // how many digits the id was written with
	data     []byte // JSON payload, possibly empty
}

var rootNsp = []byte("/")

// frameKind says what a frame asks of the connection.
type frameKind uint8

const (
	frameIgnore frameKind = iota // pong, noop, open, upgrade
	framePing                    // answer with a pong
	frameClose                   // the server closes the engine
	frameBinary                  // binary data: dropped, reported
	framePacket                  // a Socket.IO packet in inbound.pkt
)

// inbound is one decoded frame. Its slices are views into the frame.
type inbound struct {
	kind frameKind
	pkt  packet
	name []byte            // EVENT: the event name
	args []json.RawMessage // EVENT: all elements, name first; ACK: the arguments
}

// decodeFrame decodes one websocket text frame. On success in.kind says
// what to do; EVENT and ACK payloads are split into in.args, which is
// reused (pass it in with length 0).
func decodeFrame(frame []byte, in *inbound) error {
	if len(frame) == 0 {
		return protocolError(frame, "empty frame")
	}
	switch frame[0] {
	case enginePing:
		in.kind = framePing
	case enginePong, engineNoop, engineOpen, engineUpgrade:
		in.kind = frameIgnore
	case engineClose:
		in.kind = frameClose
	case engineBinary:
		in.kind = frameBinary
	case engineMessage:
		return decodeMessage(frame, in)
	default:
		return protocolError(frame, "unknown Engine.IO packet type")
	}
	return nil
}

func decodeMessage(frame []byte, in *inbound) error {
	in.kind = framePacket
	p := &in.pkt
	if err := decodePacket(frame, frame[1:], p); err != nil {
		return err
	}
	var err error
	switch p.typ {
	case socketBinaryEvent, socketBinaryAck:
		in.kind = frameBinary
	case socketEvent:
		if in.args, err = splitArray(p.data, in.args); err != nil || len(in.args) == 0 {
			return protocolError(frame, "EVENT payload is not a JSON array with an event name")
		}
		var ok bool
		if in.name, ok = eventName(in.args[0]); !ok {
			return protocolError(frame, "event name is not a string or number")
		}
	case socketAck:
		if !p.hasID {
			return protocolError(frame, "ACK without id")
		}
		if in.args, err = splitArray(p.data, in.args); err != nil {
			return protocolError(frame, "ACK payload is not a JSON array")
		}
	}
	return nil
}

// decodePacket decodes the Socket.IO packet that follows the Engine.IO
// MESSAGE byte: <type>[<attachments>-][<nsp>,][<id>][<json>].
// frame is the whole frame, for error messages.
func decodePacket(frame, b []byte, p *packet) error {
	if len(b) == 0 {
		return protocolError(frame, "empty socket.io packet")
	}
	t := b[0] - '0'
	if t > socketBinaryAck {
		return protocolError(frame, "unknown socket.io packet type")
	}
	p.typ = t
	b = b[1:]
	if t == socketBinaryEvent || t == socketBinaryAck {
		return nil // the caller drops it: attachments are not supported
	}
	p.nsp = rootNsp
	if len(b) > 0 && b[0] == '/' {
		if i := bytes.IndexByte(b, ','); i >= 0 {
			p.nsp, b = b[:i], b[i+1:]
		} else {
			p.nsp, b = b, nil
		}
	}
	p.hasID = false
	n := 0
	var id uint64
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		d := uint64(b[n] - '0')
		if id > (math.MaxUint64-d)/10 {
			return protocolError(frame, "ack id overflows uint64")
		}
		id = id*10 + d
		n++
	}
	p.idDigits = n
	if n > 0 {
		p.id, p.hasID = id, true
	}
	p.data = b[n:]
	return checkPayload(frame, p)
}

// checkPayload checks the payload's outer shape for the packet type, as the
// library decoder's isPayloadValid does. Arrays are checked further by
// splitArray when they are used.
func checkPayload(frame []byte, p *packet) error {
	first := firstByte(p.data)
	switch p.typ {
	case socketConnect:
		if first != 0 && first != '{' {
			return protocolError(frame, "CONNECT payload is not an object")
		}
	case socketDisconnect:
		if first != 0 {
			return protocolError(frame, "DISCONNECT has a payload")
		}
	case socketConnectError:
		if first != '{' && first != '"' {
			return protocolError(frame, "CONNECT_ERROR payload is not an object or string")
		}
	case socketEvent, socketAck:
		if first != '[' {
			return protocolError(frame, "EVENT/ACK payload is not an array")
		}
	}
	return nil
}

// firstByte returns the first non-space byte of b, or 0.
func firstByte(b []byte) byte {
	for _, c := range b {
		if !isSpace(c) {
			return c
		}
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
