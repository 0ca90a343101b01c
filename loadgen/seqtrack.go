package loadgen

// seqTrack finds duplicated and out-of-order deliveries of one conversation at one
// member, by seq (D10: each member receives a conversation's messages in seq order).
type seqTrack struct {
	max  int64
	seen map[int64]struct{}
}

// window bounds the remembered seqs: older ones are forgotten, so memory stays flat
// in long runs.
const window = 4096

type seqVerdict int

const (
	seqInOrder seqVerdict = iota
	seqDuplicate
	seqOutOfOrder
)

func (t *seqTrack) observe(seq int64) seqVerdict {
	if t.seen == nil {
		t.seen = map[int64]struct{}{}
	}
	if _, dup := t.seen[seq]; dup || (seq <= t.max-window) {
		return seqDuplicate
	}
	t.seen[seq] = struct{}{}
	if len(t.seen) > 2*window {
		for s := range t.seen {
			if s <= t.max-window {
				delete(t.seen, s)
			}
		}
	}
	if seq < t.max {
		return seqOutOfOrder
	}
	t.max = seq
	return seqInOrder
}
