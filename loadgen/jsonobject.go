package loadgen

import (
	"bytes"
	"encoding/json"
)

// object is the raw JSON of one event argument, read lazily: get finds a top-level
// key's raw value by scanning, without decoding the rest. Answers are read on the
// connection's read goroutine for every message, where encoding/json's reflection
// and maps were the load generator's largest cost. The bytes are a view into the
// read buffer: valid only while the event handler runs (str copies).
type object []byte

// fields returns the first argument of an event when it is an object, else nil.
func fields(args []json.RawMessage) object {
	if len(args) == 0 {
		return nil
	}
	b := args[0]
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil
	}
	return object(b)
}

// get returns the raw value of key, or nil when the key is absent or o is not a
// well-formed object. A duplicated key gives its last value, as encoding/json.
func (o object) get(key string) []byte {
	var found []byte
	if !o.each(func(k, v []byte) bool {
		if keyEquals(k, key) {
			found = v
		}
		return true
	}) {
		return nil
	}
	return found
}

// each calls f with every top-level key (raw, quotes included) and raw value, until
// f returns false. It returns false if o is not a well-formed object.
func (o object) each(f func(k, v []byte) bool) bool {
	b := []byte(o)
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		ke := skipString(b, i)
		if ke < 0 {
			return false
		}
		k := b[i:ke]
		i = skipSpace(b, ke)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		vs := skipSpace(b, i+1)
		ve := skipValue(b, vs)
		if ve < 0 {
			return false
		}
		if !f(k, b[vs:ve]) {
			return true
		}
		i = skipSpace(b, ve)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return true
		default:
			return false
		}
	}
	return false
}

// str returns the string value of key ("" when absent or not a string).
func (o object) str(key string) string { return rawString(o.get(key)) }

// num returns the integer value of key (0 when absent or not an integer).
func (o object) num(key string) int64 { return rawInt(o.get(key)) }

// obj returns the object value of key, nil when absent or not an object.
func (o object) obj(key string) object {
	v := o.get(key)
	if len(v) == 0 || v[0] != '{' {
		return nil
	}
	return object(v)
}

// elements calls f with each element of a raw JSON array that is an object.
func elements(raw []byte, f func(object)) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return
	}
	i = skipSpace(raw, i+1)
	for i < len(raw) && raw[i] != ']' {
		e := skipValue(raw, i)
		if e < 0 {
			return
		}
		if raw[i] == '{' {
			f(object(raw[i:e]))
		}
		i = skipSpace(raw, e)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
}

func keyEquals(raw []byte, key string) bool {
	if len(raw) == len(key)+2 && string(raw[1:len(raw)-1]) == key {
		return true
	}
	// An escaped key ("\u006d..."): decode it.
	return bytes.IndexByte(raw, '\\') >= 0 && rawString(raw) == key
}

func rawString(v []byte) string {
	if len(v) < 2 || v[0] != '"' {
		return ""
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1])
	}
	var s string
	_ = json.Unmarshal(v, &s)
	return s
}

func rawInt(v []byte) int64 {
	if len(v) == 0 {
		return 0
	}
	neg := v[0] == '-'
	if neg {
		v = v[1:]
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			if c == '.' || c == 'e' || c == 'E' {
				var f float64
				if json.Unmarshal(v, &f) == nil && f == float64(int64(f)) {
					n = int64(f)
					break
				}
			}
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"'), or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := skipString(b, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
