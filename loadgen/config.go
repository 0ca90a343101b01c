package loadgen

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/spec"
)

// ErrConfig is wrapped by configuration errors.
var ErrConfig = errors.New("load config")

// Config is one run's settings.
type Config struct {
	Scenario     *scenario.Scenario
	ScenarioFile string
	Contract     *spec.Contract
	// Target is the server's base URL.
	Target string
	// ControlURL is the control surface's base URL (default Target).
	ControlURL string
	Tokens     token.Source
	Shard      results.Shard
	// OutDir is the run directory; RunID names the run (and its conversations).
	OutDir string
	RunID  string
	// KeepSamples also writes every raw latency to samples.json (tests).
	KeepSamples bool
	// Progress receives a live progress line each second; nil is quiet.
	Progress io.Writer
	// Notes are added to the run's notes (for example a scenario shortened with
	// rtconform load --duration).
	Notes []string
	// TargetStarted describes the server the caller started in-process as the target,
	// for the settings file; empty for an external target.
	TargetStarted string
}

func (c *Config) check() error {
	var errs []string
	if c.Scenario == nil || c.Contract == nil || c.Tokens == nil {
		errs = append(errs, "scenario, contract and token source are required")
	}
	if u, err := url.Parse(c.Target); c.Target == "" || err != nil || u.Host == "" {
		errs = append(errs, fmt.Sprintf("target %q is not a URL such as http://127.0.0.1:3000", c.Target))
	}
	if c.Shard.Count == 0 {
		c.Shard.Count = 1
	}
	if c.Shard.Index < 0 || c.Shard.Index >= c.Shard.Count {
		errs = append(errs, fmt.Sprintf("shard %d/%d out of range", c.Shard.Index, c.Shard.Count))
	}
	if c.OutDir == "" || c.RunID == "" {
		errs = append(errs, "out dir and run id are required")
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", ErrConfig, strings.Join(errs, "; "))
	}
	if c.ControlURL == "" {
		c.ControlURL = c.Target
	}
	c.Target = strings.TrimRight(c.Target, "/")
	c.ControlURL = strings.TrimRight(c.ControlURL, "/")
	return nil
}
