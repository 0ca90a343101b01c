package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// Waiver turns the failure of one clause into Waived until it expires.
//
// A waiver file is YAML:
//
//	waivers:
//	  - clause: dedup.cross-instance
//	    reason: "UT-1234: dedup keys are per instance until the Redis store lands"
//	    expires: 2026-09-30
type Waiver struct {
	Clause  string `yaml:"clause" json:"clause"`
	Reason  string `yaml:"reason" json:"reason"`
	Expires string `yaml:"expires" json:"expires"`

	until time.Time
}

// Expired reports whether the waiver has lapsed at now (it holds through its expiry day).
func (w Waiver) Expired(now time.Time) bool { return !now.Before(w.until.AddDate(0, 0, 1)) }

type waiverFile struct {
	Waivers []Waiver `yaml:"waivers"`
}

// LoadWaivers reads a waiver file; every entry needs a clause, a reason and an expiry
// date YYYY-MM-DD, and names a clause of known (when known is not nil). Errors wrap
// ErrConfig.
func LoadWaivers(path string, known func(string) bool) ([]Waiver, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, EnvWaivers, err)
	}
	var f waiverFile
	dec := yaml.NewDecoder(bytesReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) { // an empty file waives nothing
		return nil, fmt.Errorf("%w: %s %s: %v", ErrConfig, EnvWaivers, path, err)
	}
	for i := range f.Waivers {
		w := &f.Waivers[i]
		if w.Clause == "" || w.Reason == "" || w.Expires == "" {
			return nil, fmt.Errorf("%w: %s %s: waiver %d needs clause, reason and expires", ErrConfig, EnvWaivers, path, i+1)
		}
		t, err := time.Parse("2006-01-02", w.Expires)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s: waiver for %s: expires %q: want YYYY-MM-DD", ErrConfig, EnvWaivers, path, w.Clause, w.Expires)
		}
		w.until = t
		if known != nil && !known(w.Clause) {
			return nil, fmt.Errorf("%w: %s %s: waiver for %q: no such clause in the contract", ErrConfig, EnvWaivers, path, w.Clause)
		}
	}
	return f.Waivers, nil
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
