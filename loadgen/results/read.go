package results

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNotRun is returned by Read for a directory without a settings.json.
var ErrNotRun = errors.New("not a load run directory")

// Read reads a run directory. A missing final.json (an interrupted run) is not an
// error: Final is then zero and Final.Interrupted is true.
func Read(dir string) (*Run, error) {
	r := &Run{Dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotRun, dir, err)
	}
	if err := json.Unmarshal(b, &r.Settings); err != nil {
		return nil, fmt.Errorf("results: %s: %w", SettingsFile, err)
	}
	f, err := os.Open(filepath.Join(dir, IntervalsFile))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		var iv Interval
		if err := json.Unmarshal(sc.Bytes(), &iv); err != nil {
			return nil, fmt.Errorf("results: %s line %d: %w", IntervalsFile, line, err)
		}
		r.Intervals = append(r.Intervals, iv)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("results: %s: %w", IntervalsFile, err)
	}
	b, err = os.ReadFile(filepath.Join(dir, FinalFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.Final.Interrupted = true
	case err != nil:
		return nil, fmt.Errorf("results: %w", err)
	default:
		if err := json.Unmarshal(b, &r.Final); err != nil {
			return nil, fmt.Errorf("results: %s: %w", FinalFile, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, SamplesFile)); err == nil {
		if err := json.Unmarshal(b, &r.Samples); err != nil {
			return nil, fmt.Errorf("results: %s: %w", SamplesFile, err)
		}
	}
	return r, nil
}
