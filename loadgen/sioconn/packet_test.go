package sioconn

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeFrame(t *testing.T) {
	tests := []struct {
		frame   string
		kind    frameKind
		typ     byte
		nsp     string
		id      int64 // -1: none
		name    string
		args    []string
		wantErr string
	}{
		{frame: "2", kind: framePing},
		{frame: "2probe", kind: framePing},
		{frame: "6", kind: frameIgnore},
		{frame: "1", kind: frameClose},
		{frame: "bAQID", kind: frameBinary},
		{frame: `42/app,["m",1,"x"]`, kind: framePacket, typ: socketEvent, nsp: "/app", id: -1, name: "m", args: []string{`"m"`, `1`, `"x"`}},
		{frame: `42/app,5["m"]`, kind: framePacket, typ: socketEvent, nsp: "/app", id: 5, name: "m", args: []string{`"m"`}},
		{frame: `42["a\u0062"]`, kind: framePacket, typ: socketEvent, nsp: "/", id: -1, name: "ab", args: []string{`"a\u0062"`}},
		{frame: `43/app,9[]`, kind: framePacket, typ: socketAck, nsp: "/app", id: 9},
		{frame: `41/app,`, kind: framePacket, typ: socketDisconnect, nsp: "/app", id: -1},
		{frame: `41/app`, kind: framePacket, typ: socketDisconnect, nsp: "/app", id: -1},
		{frame: `451-["bin",{"_placeholder":true,"num":0}]`, kind: frameBinary},
		{frame: `46/app,1-3[{"_placeholder":true,"num":0}]`, kind: frameBinary},
		{frame: ``, wantErr: "empty frame"},
		{frame: `9`, wantErr: "unknown Engine.IO"},
		{frame: `4`, wantErr: "empty socket.io"},
		{frame: `47`, wantErr: "unknown socket.io"},
		{frame: `4x`, wantErr: "unknown socket.io"},
		{frame: `42`, wantErr: "not an array"},
		{frame: `42/app,`, wantErr: "not an array"},
		{frame: `42[]`, wantErr: "event name"},
		{frame: `42[{}]`, wantErr: "event name"},
		{frame: `42["a"`, wantErr: "event name"},
		{frame: `42["a",]`, wantErr: "event name"},
		{frame: `42["a" 1]`, wantErr: "event name"},
		{frame: `42["a"]]`, wantErr: "event name"},
		{frame: `42["a",{"b":[}]]`, wantErr: "event name"},
		{frame: `42["a",{"b":"unterminated]`, wantErr: "event name"},
		{frame: `42["a\"]`, wantErr: "event name"},
		{frame: `42["a\\"]`, kind: framePacket, typ: socketEvent, nsp: "/", id: -1, name: `a\`, args: []string{`"a\\"`}},
		{frame: `43/app,[]`, wantErr: "ACK without id"},
		{frame: `43/app,1{}`, wantErr: "not an array"},
		{frame: `43/app,1[1,`, wantErr: "ACK payload"},
		{frame: `42/app,18446744073709551616["m"]`, wantErr: "overflows"},
		{frame: `42/app,99999999999999999999999999["m"]`, wantErr: "overflows"},
		{frame: `41/app,{}`, wantErr: "DISCONNECT has a payload"},
		{frame: `40/app,[]`, wantErr: "CONNECT payload"},
		{frame: `44/app,[]`, wantErr: "CONNECT_ERROR payload"},
	}
	for _, tt := range tests {
		t.Run(tt.frame, func(t *testing.T) {
			var in inbound
			err := decodeFrame([]byte(tt.frame), &in)
			if tt.wantErr != "" {
				var pe *ProtocolError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &pe) {
					t.Fatalf("decodeFrame error = %v, want a *ProtocolError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("decodeFrame: %v", err)
			}
			if in.kind != tt.kind {
				t.Fatalf("kind = %d, want %d", in.kind, tt.kind)
			}
			if tt.kind != framePacket {
				return
			}
			gotID := int64(-1)
			if in.pkt.hasID {
				gotID = int64(in.pkt.id)
			}
			if in.pkt.typ != tt.typ || string(in.pkt.nsp) != tt.nsp || gotID != tt.id || string(in.name) != tt.name {
				t.Errorf("got type %d nsp %q id %d name %q, want %d %q %d %q", in.pkt.typ, in.pkt.nsp, gotID, in.name, tt.typ, tt.nsp, tt.id, tt.name)
			}
			var args []string
			for _, a := range in.args {
				args = append(args, string(a))
			}
			if strings.Join(args, "|") != strings.Join(tt.args, "|") {
				t.Errorf("args = %q, want %q", args, tt.args)
			}
		})
	}
}

func TestSplitArrayDeepNesting(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	tests := []struct {
		in   string
		ok   bool
		want int
	}{
		{in: `[` + deep + `]`, ok: true, want: 1},
		{in: `[` + strings.Repeat("[", 100) + strings.Repeat("]", 99) + `}]`, ok: false},
		{in: `[` + strings.Repeat("[", 70) + `x` + strings.Repeat("]", 70) + `]`, ok: false}, // deep: json.Valid judges
		{in: `[1, "a" , {"k":[1,{"m":"]"}]} ,null]`, ok: true, want: 4},
	}
	for _, tt := range tests {
		got, err := splitArray([]byte(tt.in), nil)
		if (err == nil) != tt.ok || (tt.ok && len(got) != tt.want) {
			t.Errorf("splitArray(%.40q) = %d elements, %v; want ok=%v, %d elements", tt.in, len(got), err, tt.ok, tt.want)
		}
	}
}

func TestParseConnectError(t *testing.T) {
	tests := []struct {
		data    string
		message string
		code    string
		rawData string
	}{
		{data: `{"message":"token expired","data":{"code":"TOKEN_EXPIRED","retry":false}}`, message: "token expired", code: "TOKEN_EXPIRED", rawData: `{"code":"TOKEN_EXPIRED","retry":false}`},
		{data: `{"message":"Invalid namespace"}`, message: "Invalid namespace"},
		{data: `{"message":"x","data":null}`, message: "x"},
		{data: `{"message":"x","data":{"code":7}}`, message: "x", rawData: `{"code":7}`},
		{data: `"old style"`, message: "old style"},
	}
	for _, tt := range tests {
		err := parseConnectError([]byte("44"+tt.data), []byte(tt.data))
		var ce *ConnectError
		if !errors.As(err, &ce) {
			t.Fatalf("parseConnectError(%s) = %v, want *ConnectError", tt.data, err)
		}
		if ce.Message != tt.message || ce.Code != tt.code || string(ce.Data) != tt.rawData {
			t.Errorf("parseConnectError(%s) = %+v, want message %q code %q data %s", tt.data, ce, tt.message, tt.code, tt.rawData)
		}
	}
	if _, ok := parseConnectError([]byte(`44{`), []byte(`{`)).(*ProtocolError); !ok {
		t.Error("bad JSON in CONNECT_ERROR is not a *ProtocolError")
	}
}
