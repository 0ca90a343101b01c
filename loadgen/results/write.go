package results

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Writer streams a run's files. Interval lines are flushed as they are written, so a
// run cut short still leaves a readable stream.
type Writer struct {
	dir string
	mu  sync.Mutex
	f   *os.File
	bw  *bufio.Writer
}

// Create makes dir and writes settings.json.
func Create(dir string, s Settings) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	if err := writeJSON(filepath.Join(dir, SettingsFile), s); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, IntervalsFile))
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	return &Writer{dir: dir, f: f, bw: bufio.NewWriter(f)}, nil
}

// Dir is the run directory.
func (w *Writer) Dir() string { return w.dir }

// Interval appends one record.
func (w *Writer) Interval(iv Interval) error {
	b, err := json.Marshal(iv)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.bw.Write(b)
	w.bw.WriteByte('\n')
	return w.bw.Flush()
}

// Final writes final.json and closes the interval stream.
func (w *Writer) Final(f Final) error {
	w.mu.Lock()
	err := w.bw.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.mu.Unlock()
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return writeJSON(filepath.Join(w.dir, FinalFile), f)
}

// Samples writes the raw samples (debug).
func (w *Writer) Samples(s map[string][]int64) error {
	return writeJSON(filepath.Join(w.dir, SamplesFile), s)
}

// UpdateSettings rewrites settings.json (for facts learned after the start).
func (w *Writer) UpdateSettings(s Settings) error {
	return writeJSON(filepath.Join(w.dir, SettingsFile), s)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("results: %s: %w", filepath.Base(path), err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	return nil
}
