package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrInvalid is wrapped by every error about a scenario that cannot run.
var ErrInvalid = errors.New("invalid scenario")

// Exprs is one threshold expression or a list of them.
type Exprs []string

// UnmarshalYAML accepts a scalar or a sequence of scalars.
func (e *Exprs) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*e = Exprs{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return fmt.Errorf("line %d: want an expression such as p(95)<200ms or a list of them", n.Line)
	}
	*e = list
	return nil
}

// Load reads and decodes the scenario file at path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return Parse(path, data)
}

var yamlField = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)

// Parse decodes a scenario strictly. An unknown key is an error naming the key and line.
func Parse(source string, data []byte) (*Scenario, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %s: empty file", ErrInvalid, source)
		}
		msg := yamlField.ReplaceAllString(err.Error(), "line $1: unknown key $2")
		msg = strings.ReplaceAll(strings.TrimPrefix(msg, "yaml: unmarshal errors:\n  "), "\n  ", "; ")
		return nil, fmt.Errorf("%w: %s: %s", ErrInvalid, source, msg)
	}
	s.expandCapacity()
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalid, source, err)
	}
	return &s, nil
}

// expandCapacity turns a capacity block into one steady phase per rate step.
func (s *Scenario) expandCapacity() {
	c := s.Capacity
	if c == nil || c.Step <= 0 || c.Hold <= 0 {
		return
	}
	for r, i := c.Start, 1; r <= c.Max+1e-9; r, i = r+c.Step, i+1 {
		from := r
		s.Phases = append(s.Phases, Phase{Name: fmt.Sprintf("step-%d", i), Duration: c.Hold, Rate: r, From: &from})
	}
}

func (s *Scenario) validate() error {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	if s.Name == "" {
		bad("name is required")
	}
	if s.Tenant.ID == "" || s.Tenant.Workspace == "" {
		bad("tenant.id and tenant.workspace are required")
	}
	u := s.Users
	if u.Conversations <= 0 || u.Members() <= 0 {
		bad("users: conversations and at least one agent, bot or watcher per conversation are required")
	}
	if u.CustomersPerConversation < 0 || u.CustomersPerConversation > 1 {
		bad("users.customers_per_conversation must be 0 or 1")
	}
	switch s.Model.Kind {
	case Open:
	case Closed:
		switch {
		case s.Model.ThinkTime < 0:
			bad("model.think_time must not be negative")
		case s.Model.ThinkTime == 0 && !s.LimitsRaised:
			// As fast as answers come exceeds every per-socket rate limit.
			bad("model.think_time must be positive for the closed model (0s, as fast as answers come, needs limits_raised: true)")
		}
	default:
		bad("model.kind %q: want open or closed", s.Model.Kind)
	}
	if s.Capacity != nil && (s.Capacity.Step <= 0 || s.Capacity.Hold <= 0 || s.Capacity.Max < s.Capacity.Start) {
		bad("capacity: step and hold must be positive and max at least start")
	}
	if len(s.Phases) == 0 {
		bad("at least one phase is required")
	}
	names := map[string]bool{}
	for i, p := range s.Phases {
		if p.Name == "" || names[p.Name] {
			bad("phases[%d]: name is empty or used twice", i)
		}
		names[p.Name] = true
		if p.Duration <= 0 {
			bad("phase %s: duration must be positive", p.Name)
		}
		if p.Rate < 0 || (p.From != nil && *p.From < 0) || p.Users < 0 {
			bad("phase %s: rate, from and users must not be negative", p.Name)
		}
	}
	for _, j := range s.JudgePhases {
		if !names[j] {
			bad("judge_phases: no phase %q", j)
		}
	}
	if len(s.Mix) == 0 {
		bad("mix is empty")
	}
	for a, w := range s.Mix {
		if w < 0 {
			bad("mix.%s: negative weight", a)
		}
	}
	if s.Texts.MinWords < 0 || (s.Texts.MaxWords > 0 && s.Texts.MaxWords < s.Texts.MinWords) {
		bad("texts: want 0 <= min_words <= max_words")
	}
	for _, e := range s.Events {
		if e.Action != "drop" {
			bad("events: action %q: want drop", e.Action)
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}
