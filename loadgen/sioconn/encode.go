package sioconn

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"unicode/utf8"
)

// frameBuf is a pooled buffer for one outgoing frame, with a json.Encoder
// bound to it so that encoding a payload allocates no encoder.
type frameBuf struct {
	b   bytes.Buffer
	enc *json.Encoder
}

// maxPooledFrame bounds the buffers kept in framePool, so one huge emit
// does not pin its buffer for the life of the process.
const maxPooledFrame = 64 << 10

var framePool = sync.Pool{New: func() any {
	f := &frameBuf{}
	f.enc = json.NewEncoder(&f.b)
	f.enc.SetEscapeHTML(false) // as JSON.stringify in the JavaScript client
	return f
}}

func getFrame() *frameBuf {
	f := framePool.Get().(*frameBuf)
	f.b.Reset()
	return f
}

func putFrame(f *frameBuf) {
	if f.b.Cap() <= maxPooledFrame {
		framePool.Put(f)
	}
}

// eventPrefix returns "42<nsp>," or "42" for the root namespace: the
// Engine.IO MESSAGE byte, the Socket.IO EVENT type and the namespace.
func eventPrefix(nsp string) []byte {
	return packetPrefix(socketEvent, nsp)
}

// packetPrefix returns "4<type><nsp>," (no namespace part for "/").
func packetPrefix(typ byte, nsp string) []byte {
	b := []byte{engineMessage, '0' + typ}
	if nsp != "/" {
		b = append(b, nsp...)
		b = append(b, ',')
	}
	return b
}

// encodeEvent writes prefix, the ack id when withID, and the array
// [event, payload] into f. A nil payload sends no argument; a
// json.RawMessage is sent as it is; anything else goes through
// encoding/json.
//
// The library encoder is not used here: it builds a parser.Packet whose
// Data is a []any, walks it with preprocessData and json.Marshal()s it into
// a new buffer for every packet (BenchmarkEncodeEvent).
func encodeEvent(f *frameBuf, prefix []byte, id uint64, withID bool, event string, payload any) error {
	f.b.Write(prefix)
	if withID {
		var digits [20]byte
		f.b.Write(strconv.AppendUint(digits[:0], id, 10))
	}
	f.b.WriteByte('[')
	if err := writeJSONString(f, event); err != nil {
		return err
	}
	switch v := payload.(type) {
	case nil:
	case json.RawMessage:
		if !json.Valid(v) {
			return &json.SyntaxError{}
		}
		f.b.WriteByte(',')
		f.b.Write(v)
	case string:
		f.b.WriteByte(',')
		if err := writeJSONString(f, v); err != nil {
			return err
		}
	default:
		f.b.WriteByte(',')
		if err := f.enc.Encode(payload); err != nil {
			return err
		}
		f.b.Truncate(f.b.Len() - 1) // Encode's trailing newline
	}
	f.b.WriteByte(']')
	return nil
}

// writeJSONString quotes s, copying it straight through when it needs no
// escaping (the usual event name), else through the encoder.
func writeJSONString(f *frameBuf, s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			if err := f.enc.Encode(s); err != nil {
				return err
			}
			f.b.Truncate(f.b.Len() - 1)
			return nil
		}
	}
	f.b.WriteByte('"')
	f.b.WriteString(s)
	f.b.WriteByte('"')
	return nil
}
