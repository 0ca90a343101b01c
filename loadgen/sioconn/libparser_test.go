package sioconn

import (
	"encoding/json"
	"errors"
	"testing"

	enginepacket "github.com/zishang520/socket.io/parsers/engine/v3/packet"
	engineparser "github.com/zishang520/socket.io/parsers/engine/v3/parser"
	socketparser "github.com/zishang520/socket.io/parsers/socket/v3/parser"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// libDecoder decodes frames with the zishang520 parsers, the reference
// that sioconn's own decoder is checked and benchmarked against.
type libDecoder struct {
	sd  socketparser.Decoder
	got *socketparser.Packet
}

func newLibDecoder() *libDecoder {
	d := &libDecoder{sd: socketparser.NewDecoder()}
	_ = d.sd.On("decoded", func(args ...any) { d.got = args[0].(*socketparser.Packet) })
	return d
}

// decode runs one websocket text frame through the engine parser and, for
// a MESSAGE, the socket decoder.
func (d *libDecoder) decode(frame []byte) (*enginepacket.Packet, *socketparser.Packet, error) {
	ep, err := engineparser.Parserv4().DecodePacket(types.NewStringBuffer(append([]byte(nil), frame...)))
	if err != nil {
		return nil, nil, err
	}
	if ep.Type != enginepacket.MESSAGE {
		return ep, nil, nil
	}
	sb, ok := ep.Data.(*types.StringBuffer)
	if !ok {
		return ep, nil, errors.New("binary message")
	}
	d.got = nil
	d.sd.Destroy() // drop any half-built binary packet from an earlier frame
	d.sd = socketparser.NewDecoder()
	_ = d.sd.On("decoded", func(args ...any) { d.got = args[0].(*socketparser.Packet) })
	if err := d.sd.Add(sb); err != nil {
		return ep, nil, err
	}
	return ep, d.got, nil
}

func TestWireCodesMatchLibrary(t *testing.T) {
	engine := []struct {
		typ  enginepacket.Type
		want byte
	}{
		{enginepacket.OPEN, engineOpen}, {enginepacket.CLOSE, engineClose}, {enginepacket.PING, enginePing},
		{enginepacket.PONG, enginePong}, {enginepacket.MESSAGE, engineMessage}, {enginepacket.UPGRADE, engineUpgrade},
		{enginepacket.NOOP, engineNoop},
	}
	for _, tt := range engine {
		if got := engineparser.PACKET_TYPES[tt.typ]; got != tt.want {
			t.Errorf("engine %s: library byte %q, sioconn %q", tt.typ, got, tt.want)
		}
	}
	socket := []struct {
		typ  socketparser.PacketType
		want byte
	}{
		{socketparser.CONNECT, socketConnect}, {socketparser.DISCONNECT, socketDisconnect},
		{socketparser.EVENT, socketEvent}, {socketparser.ACK, socketAck},
		{socketparser.CONNECT_ERROR, socketConnectError}, {socketparser.BINARY_EVENT, socketBinaryEvent},
		{socketparser.BINARY_ACK, socketBinaryAck},
	}
	for _, tt := range socket {
		if got := byte(tt.typ); got != tt.want {
			t.Errorf("socket %s: library %d, sioconn %d", tt.typ, got, tt.want)
		}
	}
}

// validFrames are frames a zishang520 or JavaScript server sends.
var validFrames = []string{
	`2`, `3`, `6`, `1`,
	`40`, `40/app,{"sid":"abc"}`, `40{"sid":"abc"}`,
	`41`, `41/app,`,
	`42["hello"]`, `42/app,["message",{"conversationId":"conv_+1234567890_+0987654321","body":"hé \"x\" \\ \u2028"}]`,
	`42/app,17["ask",1,2.5,true,null,"s",[1,[2]],{"a":{"b":[]}}]`,
	`42/app,[42,"numeric name"]`, `42[" spaced name ",{}]`, `42["esc\"aped"]`,
	`43/app,0[]`, `43/app,9007199254740991[{"ok":true}]`, `43/app,7[ 1 , 2 ]`,
	`44/app,{"message":"token expired","data":{"code":"TOKEN_EXPIRED"}}`, `44"old style"`,
	"42/app,[\"ws\" ,\t{ \"a\" : 1 }\n]",
}

// TestDecodeMatchesLibrary checks decodeFrame against the zishang520
// parsers on valid frames: same types, namespace, ack id and payload.
func TestDecodeMatchesLibrary(t *testing.T) {
	lib := newLibDecoder()
	for _, frame := range validFrames {
		t.Run(frame, func(t *testing.T) {
			var in inbound
			err := decodeFrame([]byte(frame), &in)
			ep, sp, libErr := lib.decode([]byte(frame))
			if err != nil || libErr != nil {
				t.Fatalf("sioconn error %v, library error %v", err, libErr)
			}
			compareWithLibrary(t, []byte(frame), &in, ep, sp)
		})
	}
}

// compareWithLibrary fails t when in differs from the library's decoding.
func compareWithLibrary(t *testing.T, frame []byte, in *inbound, ep *enginepacket.Packet, sp *socketparser.Packet) {
	t.Helper()
	if ep.Type != enginepacket.MESSAGE {
		want := map[enginepacket.Type]frameKind{enginepacket.PING: framePing, enginepacket.CLOSE: frameClose}[ep.Type]
		if in.kind != want {
			t.Errorf("%q: kind %d, library engine type %s", frame, in.kind, ep.Type)
		}
		return
	}
	if sp == nil {
		t.Fatalf("%q: library decoded no socket packet", frame)
	}
	if in.kind != framePacket || in.pkt.typ != byte(sp.Type) || string(in.pkt.nsp) != sp.Nsp {
		t.Errorf("%q: got kind %d type %d nsp %q, library type %d nsp %q", frame, in.kind, in.pkt.typ, in.pkt.nsp, sp.Type, sp.Nsp)
	}
	if in.pkt.hasID != (sp.Id != nil) || (sp.Id != nil && in.pkt.id != *sp.Id) {
		t.Errorf("%q: got id %d (%v), library %v", frame, in.pkt.id, in.pkt.hasID, sp.Id)
	}
	switch in.pkt.typ {
	case socketEvent, socketAck:
		libArgs, _ := sp.Data.([]any)
		if len(libArgs) != len(in.args) {
			t.Fatalf("%q: %d args, library %d", frame, len(in.args), len(libArgs))
		}
		for i, a := range in.args {
			var got any
			if err := json.Unmarshal(a, &got); err != nil {
				t.Errorf("%q: arg %d %s does not unmarshal: %v", frame, i, a, err)
				continue
			}
			if !jsonEqualValues(got, libArgs[i]) {
				t.Errorf("%q: arg %d = %s, library %v", frame, i, a, libArgs[i])
			}
		}
		if in.pkt.typ == socketEvent {
			var libName string
			switch n := libArgs[0].(type) {
			case string:
				libName = n
			case float64:
				libName = string(in.args[0]) // numbers are passed on as written
			}
			if string(in.name) != libName {
				t.Errorf("%q: event name %q, library %q", frame, in.name, libName)
			}
		}
	}
}

func jsonEqualValues(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// TestEncodeMatchesLibrary checks that what encodeEvent writes decodes,
// with the library decoder, into the event that was meant.
func TestEncodeMatchesLibrary(t *testing.T) {
	tests := []struct {
		name    string
		nsp     string
		id      uint64
		withID  bool
		event   string
		payload any
	}{
		{name: "root no args", nsp: "/", event: "ping-me"},
		{name: "nsp with ack id", nsp: "/app", id: 12, withID: true, event: "echo", payload: map[string]any{"body": "<b>hi</b> & \"bye\""}},
		{name: "escaped event name", nsp: "/app", event: "quote\"d\n", payload: "x"},
		{name: "raw payload", nsp: "/app", event: "raw", payload: json.RawMessage(`[1,{"a":null}]`)},
		{name: "big id", nsp: "/a/b", id: 1<<53 - 1, withID: true, event: "é", payload: []int{1, 2}},
	}
	lib := newLibDecoder()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := getFrame()
			defer putFrame(f)
			if err := encodeEvent(f, eventPrefix(tt.nsp), tt.id, tt.withID, tt.event, tt.payload); err != nil {
				t.Fatal(err)
			}
			_, sp, err := lib.decode(f.b.Bytes())
			if err != nil || sp == nil {
				t.Fatalf("library cannot decode %q: %v", f.b.Bytes(), err)
			}
			if sp.Type != socketparser.EVENT || sp.Nsp != tt.nsp || (sp.Id != nil) != tt.withID || (tt.withID && *sp.Id != tt.id) {
				t.Errorf("library decoded %q as %+v", f.b.Bytes(), sp)
			}
			args := sp.Data.([]any)
			if args[0] != tt.event {
				t.Errorf("event name %q, want %q", args[0], tt.event)
			}
			want := []any{tt.event}
			if tt.payload != nil {
				var p any
				b, _ := json.Marshal(tt.payload)
				_ = json.Unmarshal(b, &p)
				want = append(want, p)
			}
			if !jsonEqualValues(args, want) {
				t.Errorf("args %v, want %v", args, want)
			}
		})
	}
}
