package loadgen

import (
	"encoding/json"
	"strconv"
	"sync"
	"unicode/utf8"
)

// payload appends one event's JSON object, with no map and no reflection: the
// load generator encodes an event for every operation.
type payload struct{ b []byte }

var payloadPool = sync.Pool{New: func() any { return &payload{b: make([]byte, 0, 512)} }}

func newPayload() *payload {
	p := payloadPool.Get().(*payload)
	p.b = append(p.b[:0], '{')
	return p
}

// release returns p to the pool; its bytes must no longer be used.
func (p *payload) release() {
	if cap(p.b) <= 16<<10 {
		payloadPool.Put(p)
	}
}

func (p *payload) key(k string) {
	if len(p.b) > 1 {
		p.b = append(p.b, ',')
	}
	p.b = appendJSONString(p.b, k)
	p.b = append(p.b, ':')
}

func (p *payload) str(k, v string) {
	p.key(k)
	p.b = appendJSONString(p.b, v)
}

func (p *payload) int(k string, v int64) {
	p.key(k)
	p.b = strconv.AppendInt(p.b, v, 10)
}

// raw adds v, which must be valid JSON, as it is.
func (p *payload) raw(k string, v []byte) {
	p.key(k)
	p.b = append(p.b, v...)
}

// json closes the object and returns it; valid until release.
func (p *payload) json() json.RawMessage {
	p.b = append(p.b, '}')
	return json.RawMessage(p.b)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD (as encoding/json does),
// everything else, accents and emoji included, as it is (as JSON.stringify does).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
