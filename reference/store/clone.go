package store

// Clone returns a deep copy of c (its participants and last message too), so
// a caller can change it without touching stored state.
func (c *Conversation) Clone() *Conversation {
	if c == nil {
		return nil
	}
	out := *c
	if c.Participants != nil {
		out.Participants = append([]string(nil), c.Participants...)
	}
	out.LastMessage = c.LastMessage.Clone()
	return &out
}

// Clone returns a deep copy of m, its text, media id, location and metadata too.
func (m *Message) Clone() *Message {
	if m == nil {
		return nil
	}
	out := *m
	if m.Text != nil {
		t := *m.Text
		out.Text = &t
	}
	if m.MediaID != nil {
		id := *m.MediaID
		out.MediaID = &id
	}
	out.Location = cloneMap(m.Location)
	out.Metadata = cloneMap(m.Metadata)
	return &out
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

// cloneValue copies the JSON-shaped values (maps, slices) found in decoded
// payloads; other values are immutable or copied by assignment.
func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	case []string:
		return append([]string(nil), x...)
	default:
		return v
	}
}
