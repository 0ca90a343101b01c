package redisstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

// errReply is a script reply of an unexpected shape: a bug or a foreign key.
var errReply = errors.New("redisstore: unexpected reply")

// fmtTime encodes a time for a hash field; the zero time is "".
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseTime(v any) (time.Time, error) {
	s, _ := v.(string)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: time %q", errReply, s)
	}
	return t, nil
}

func parseInt(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: integer %q", errReply, x)
		}
		return n, nil
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("%w: integer %T", errReply, v)
}

// msgDoc is the JSON kept for a message; seq and the status fields live in
// their own hash fields and override it.
func msgDoc(m *store.Message) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("redisstore: encode message: %w", err)
	}
	return string(b), nil
}

// decodeMsg decodes the five values doc, seq, st, da, ra that the scripts
// return for a message; a nil doc is a missing message (nil, nil).
func decodeMsg(v []any) (*store.Message, error) {
	if len(v) < 5 {
		return nil, fmt.Errorf("%w: message of %d fields", errReply, len(v))
	}
	doc, ok := v[0].(string)
	if !ok {
		return nil, nil
	}
	m := new(store.Message)
	if err := json.Unmarshal([]byte(doc), m); err != nil {
		return nil, fmt.Errorf("redisstore: decode message: %w", err)
	}
	var err error
	var errs [3]error
	m.Seq, errs[0] = parseInt(v[1])
	if st, ok := v[2].(string); ok && st != "" {
		m.Status = st
	}
	m.DeliveredAt, errs[1] = parseTime(v[3])
	m.ReadAt, errs[2] = parseTime(v[4])
	if err = errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return m, nil
}

// convDoc is the JSON kept for a conversation, without the fields Append
// maintains (LastSeq, LastMessage, UpdatedAt live in hash fields).
func convDoc(c *store.Conversation) (string, error) {
	d := c.Clone()
	d.LastSeq, d.LastMessage, d.UpdatedAt = 0, nil, time.Time{}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("redisstore: encode conversation: %w", err)
	}
	return string(b), nil
}

// decodeConv decodes the reply of the conversation scripts: doc, seq, upd,
// ver, then the last message's doc, seq, st, da, ra. A nil doc is a missing
// conversation (nil, 0, nil).
func decodeConv(v []any) (*store.Conversation, int64, error) {
	if len(v) < 9 {
		return nil, 0, fmt.Errorf("%w: conversation of %d fields", errReply, len(v))
	}
	doc, ok := v[0].(string)
	if !ok {
		return nil, 0, nil
	}
	c := new(store.Conversation)
	if err := json.Unmarshal([]byte(doc), c); err != nil {
		return nil, 0, fmt.Errorf("redisstore: decode conversation: %w", err)
	}
	var errs [4]error
	var ver int64
	c.LastSeq, errs[0] = parseInt(v[1])
	c.UpdatedAt, errs[1] = parseTime(v[2])
	ver, errs[2] = parseInt(v[3])
	c.LastMessage, errs[3] = decodeMsg(v[4:9])
	if err := errors.Join(errs[:]...); err != nil {
		return nil, 0, err
	}
	return c, ver, nil
}

// list asserts that a script reply is an array.
func list(v any) ([]any, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: %T, want an array", errReply, v)
	}
	return l, nil
}
