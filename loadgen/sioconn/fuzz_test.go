package sioconn

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzDecodeFrame feeds arbitrary frames to the read path's decoder. It
// must never panic, and whenever it accepts a Socket.IO packet whose
// payload is valid JSON, the zishang520 parsers must decode it the same
// way (modulo the few things the library refuses on purpose).
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range validFrames {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		"", "4", "42", "42/app", "42/app,", "42/app,1", "42/app,[", `42/app,["m"`, `42/app,["m",{"a":`, // truncated
		`42["m",{"a":}]`, `42["m",tru]`, `42["m",{"a" 1}]`, `42["m"]trailing`, `43/app,1[1,]`, `42[1e999]`, // bad JSON
		"7", "9x", "47", "4/", "4a", "b", "bAQID", // unknown types
		"42/app,184467440737095516150[\"m\"]", "43/app,99999999999999999999999[]", "42/app,00000000000000000000001[\"m\"]", // huge ids
		`451-["bin",{"_placeholder":true,"num":0}]`, `45x-[]`, "40/" + strings.Repeat("a", 600) + ",{}",
		`42["` + strings.Repeat(`\u00e9`, 10) + `"]`, `42["\ud800"]`, "42[\"\xff\xfe\"]",
		"42[" + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "]",
	} {
		f.Add([]byte(s))
	}
	lib := newLibDecoder()
	f.Fuzz(func(t *testing.T, frame []byte) {
		var in inbound
		err := decodeFrame(frame, &in)
		if err != nil {
			if _, ok := err.(*ProtocolError); !ok {
				t.Fatalf("decodeFrame(%q) error %T, want *ProtocolError", frame, err)
			}
			return
		}
		if in.kind != framePacket {
			return
		}
		switch in.pkt.typ {
		case socketConnectError:
			_ = parseConnectError(frame, in.pkt.data) // must not panic
		case socketEvent:
			if len(in.args) == 0 || in.name == nil {
				t.Fatalf("decodeFrame(%q): EVENT without a name", frame)
			}
		case socketAck:
			if !in.pkt.hasID {
				t.Fatalf("decodeFrame(%q): ACK without id", frame)
			}
		}
		if !comparableWithLibrary(&in) {
			return
		}
		ep, sp, libErr := lib.decode(frame)
		if libErr != nil {
			t.Fatalf("decodeFrame accepted %q, the library refused it: %v", frame, libErr)
		}
		compareWithLibrary(t, frame, &in, ep, sp)
	})
}

// comparableWithLibrary leaves out what the library refuses by design:
// payloads that are not valid JSON as a whole (sioconn checks structure
// only), namespaces over 512 bytes, ids written with 20 digits or more
// (the library stops at 19, so it refuses the largest uint64s),
// reserved event names, numeric and escaped event names (compared
// elsewhere), and lone surrogates or invalid UTF-8 that JSON decoding
// replaces.
func comparableWithLibrary(in *inbound) bool {
	p := &in.pkt
	if len(p.data) > 0 && !json.Valid(p.data) {
		return false
	}
	if len(p.nsp) > 512 || p.idDigits >= 20 || p.typ == socketConnect || p.typ == socketConnectError {
		return false
	}
	if p.typ == socketEvent {
		switch string(in.name) {
		case "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener":
			return false
		}
		if len(in.args[0]) == 0 || in.args[0][0] != '"' || strings.ContainsAny(string(in.args[0]), `\`) {
			return false
		}
	}
	for _, a := range in.args {
		for _, c := range a {
			if c >= 0x80 || c == '\\' {
				return false
			}
		}
	}
	return true
}
