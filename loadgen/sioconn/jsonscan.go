package sioconn

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// errBadJSON is what splitArray and scanValue report; callers wrap it.
var errBadJSON = errors.New("malformed JSON")

// maxBitDepth is how deep scanValue tracks bracket kinds in a uint64; deeper
// values are checked whole with json.Valid.
const maxBitDepth = 64

// splitArray appends to out the elements of the JSON array in b, as views
// into b, and returns out. It checks the array's structure (brackets matched
// by kind, strings terminated, commas between elements, nothing after the
// closing bracket) but not the grammar inside each element: an element such
// as {"a" 1} is passed on and fails when the handler unmarshals it. This
// keeps the read path to one pass over the bytes with no allocation.
// String contents (control characters, escapes) are not checked either.
func splitArray(b []byte, out []json.RawMessage) ([]json.RawMessage, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return out, errBadJSON
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return out, checkTail(b, i+1)
	}
	for {
		end, err := scanValue(b, i)
		if err != nil {
			return out, err
		}
		out = append(out, json.RawMessage(b[i:end]))
		i = skipSpace(b, end)
		if i >= len(b) {
			return out, errBadJSON
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return out, checkTail(b, i+1)
		default:
			return out, errBadJSON
		}
	}
}

func checkTail(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errBadJSON
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanValue returns the end of the JSON value that starts at b[i].
func scanValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errBadJSON
	}
	switch c := b[i]; c {
	case '"':
		return scanString(b, i)
	case '{', '[':
		return scanContainer(b, i)
	case ',', ']', '}', ':':
		return 0, errBadJSON
	default: // number, true, false, null: up to the next delimiter
		j := i
		for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != ']' && b[j] != '}' && b[j] != ':' &&
			b[j] != '"' && b[j] != '[' && b[j] != '{' {
			j++
		}
		return j, nil
	}
}

// scanString returns the end of the JSON string that starts at b[i] == '"'.
// It finds quotes with bytes.IndexByte and skips those escaped by an odd
// run of backslashes; it does not check the string's contents.
func scanString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, errBadJSON
		}
		end := j + k
		n := 0
		for p := end - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return end + 1, nil
		}
		j = end + 1
	}
}

// scanContainer returns the end of the object or array at b[i], matching
// bracket kinds with a bit stack (1 = object).
func scanContainer(b []byte, i int) (int, error) {
	var stack uint64
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			end, err := scanString(b, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case '{', '[':
			if depth == maxBitDepth {
				return scanDeep(b, i)
			}
			stack <<= 1
			if b[j] == '{' {
				stack |= 1
			}
			depth++
		case '}', ']':
			if depth == 0 || (stack&1 == 1) != (b[j] == '}') {
				return 0, errBadJSON
			}
			stack >>= 1
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, errBadJSON
}

// scanDeep handles values nested deeper than maxBitDepth: find the end by
// counting brackets, then let encoding/json judge the whole value.
func scanDeep(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			end, err := scanString(b, j)
			if err != nil {
				return 0, err
			}
			j = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				if !json.Valid(b[i : j+1]) {
					return 0, errBadJSON
				}
				return j + 1, nil
			}
		}
	}
	return 0, errBadJSON
}

// eventName returns the event name of an EVENT's first element: the
// contents of a JSON string with no escapes as a view, an escaped string
// decoded into a new slice, or a number's text (the protocol allows numeric
// event names).
func eventName(raw []byte) ([]byte, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	if raw[0] != '"' {
		if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
			return raw, true
		}
		return nil, false
	}
	inner := raw[1 : len(raw)-1]
	for _, c := range inner {
		if c == '\\' || c >= utf8.RuneSelf {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, false
			}
			return []byte(s), true
		}
	}
	return inner, true
}
