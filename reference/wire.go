package reference

import (
	"encoding/json"
	"math"
	"net/mail"
	"strconv"
	"time"
	"unicode/utf8"
)

// stamp formats a server time as the contract's Timestamp: RFC 3339, UTC,
// milliseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// parseStamp parses a client Timestamp (any RFC 3339 form).
func parseStamp(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// validEmail reports whether s can go into an Email field of a payload.
func validEmail(s string) bool {
	if s == "" || len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// jsonSize returns the length of the JSON encoding of a decoded JSON value (as
// JSON.stringify writes it: no HTML escaping), without allocating it. Values the
// parser cannot produce are measured with encoding/json.
func jsonSize(v any) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case string:
		return stringSize(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 4
		}
		var buf [32]byte
		return len(strconv.AppendFloat(buf[:0], x, 'g', -1, 64))
	case json.Number:
		return len(x)
	case map[string]any:
		n := 2
		for k, e := range x {
			n += stringSize(k) + 1 + jsonSize(e) + 1
		}
		if len(x) > 0 {
			n--
		}
		return n
	case []any:
		n := 2
		for _, e := range x {
			n += jsonSize(e) + 1
		}
		if len(x) > 0 {
			n--
		}
		return n
	}
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// stringSize is the encoded length of a JSON string: quotes, two-character
// escapes, \u00XX for other control characters and \ufffd for invalid UTF-8.
func stringSize(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20:
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n += 3
		} else {
			n += size
		}
		i += size
	}
	return n
}
