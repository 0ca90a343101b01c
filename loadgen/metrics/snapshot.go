package metrics

import (
	"fmt"
	"sort"
	"sync"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Snapshot is the counters and histograms of a run or an interval.
type Snapshot struct {
	Counts Counts
	Hists  map[string]*hdr.Histogram
}

// NewSnapshot returns an empty snapshot with every histogram present.
func NewSnapshot() *Snapshot {
	s := &Snapshot{Hists: map[string]*hdr.Histogram{}}
	for _, n := range HistogramNames {
		s.Hists[n] = NewHistogram()
	}
	return s
}

// Hist returns the named histogram, empty when absent.
func (s *Snapshot) Hist(name string) *hdr.Histogram {
	if h, ok := s.Hists[name]; ok {
		return h
	}
	return NewHistogram()
}

// Merge adds o into s exactly. It returns an error if a value did not fit, which cannot
// happen between histograms of this package's geometry.
func (s *Snapshot) Merge(o *Snapshot) error {
	s.Counts.Add(&o.Counts)
	for name, h := range o.Hists {
		dst, ok := s.Hists[name]
		if !ok {
			dst = NewHistogram()
			s.Hists[name] = dst
		}
		if dropped := dst.Merge(h); dropped > 0 {
			return fmt.Errorf("merge %s: %d values out of range", name, dropped)
		}
	}
	return nil
}

// Encoded is a Snapshot in JSON-friendly form: histograms in HdrHistogram's compressed
// V2 encoding, base64 (the format other HdrHistogram tools read).
type Encoded struct {
	Counts Counts            `json:"counts"`
	Hists  map[string]string `json:"histograms"`
}

// Encode encodes the snapshot.
func (s *Snapshot) Encode() (*Encoded, error) {
	e := &Encoded{Counts: s.Counts.Clone(), Hists: map[string]string{}}
	names := make([]string, 0, len(s.Hists))
	for n := range s.Hists {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := s.Hists[n]
		if h.TotalCount() == 0 && sameGeometry(h) {
			// Most interval histograms are empty (no fan-out, no sync): encoding one
			// costs a zlib writer of about a megabyte, every second, for each.
			enc, err := emptyEncoding()
			if err != nil {
				return nil, fmt.Errorf("encode %s: %w", n, err)
			}
			e.Hists[n] = enc
			continue
		}
		b, err := h.Encode(encodingVer)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", n, err)
		}
		e.Hists[n] = string(b)
	}
	return e, nil
}

var emptyOnce struct {
	sync.Once
	enc string
	err error
}

// emptyEncoding is the encoding of an empty histogram of the package's geometry,
// computed once.
func emptyEncoding() (string, error) {
	emptyOnce.Do(func() {
		b, err := NewHistogram().Encode(encodingVer)
		emptyOnce.enc, emptyOnce.err = string(b), err
	})
	return emptyOnce.enc, emptyOnce.err
}

func sameGeometry(h *hdr.Histogram) bool {
	return h.LowestTrackableValue() == lowest && h.HighestTrackableValue() == highest && h.SignificantFigures() == SigFigs
}

// Reset empties the snapshot's counts and histograms, keeping their memory.
func (s *Snapshot) Reset() {
	s.Counts = Counts{}
	for _, h := range s.Hists {
		h.Reset()
	}
}

// Decode decodes an encoded snapshot.
func (e *Encoded) Decode() (*Snapshot, error) {
	s := &Snapshot{Counts: e.Counts.Clone(), Hists: map[string]*hdr.Histogram{}}
	for n, b := range e.Hists {
		h, err := hdr.Decode([]byte(b))
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", n, err)
		}
		s.Hists[n] = h
	}
	for _, n := range HistogramNames {
		if _, ok := s.Hists[n]; !ok {
			s.Hists[n] = NewHistogram()
		}
	}
	return s, nil
}
