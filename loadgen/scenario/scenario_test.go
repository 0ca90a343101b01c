package scenario

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/spec"
)

const base = `name: t
tenant: {id: t1, workspace: w1}
users: {conversations: 10, agents_per_conversation: 2}
model: {kind: open}
phases:
  - {name: steady, duration: 60s, rate: 10}
mix: {send-message: 1}
`

func TestParseUnknownKeyNamesKeyAndLine(t *testing.T) {
	_, err := Parse("x.yaml", []byte(base+"userz: 3\n"))
	if err == nil || !strings.Contains(err.Error(), "line 8: unknown key userz") {
		t.Fatalf("got %v, want the key and line named", err)
	}
	_, err = Parse("x.yaml", []byte(strings.Replace(base, "rate: 10", "rate: 10, ratee: 3", 1)))
	if err == nil || !strings.Contains(err.Error(), "unknown key ratee") || !strings.Contains(err.Error(), "line 6") {
		t.Fatalf("got %v, want the nested key and line named", err)
	}
}

func TestCheckRateLimit(t *testing.T) {
	c := spec.Default()
	tests := []struct {
		name    string
		yaml    string
		wantErr bool
	}{
		{"within", base, false},
		// 100 msg/s over 20 sockets = 300 per minute per socket > 60.
		{"over", strings.Replace(base, "rate: 10", "rate: 100", 1), true},
		{"raised", strings.Replace(base, "rate: 10", "rate: 100", 1) + "limits_raised: true\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("x.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			s.Defaults(c)
			_, err = s.Check(c)
			if got := errors.Is(err, ErrRateLimit); got != tt.wantErr {
				t.Fatalf("rate-limit error %v (%v), want %v", got, err, tt.wantErr)
			}
		})
	}
}

func TestCheckRoomAndRoles(t *testing.T) {
	c := spec.Default()
	s, err := Parse("x.yaml", []byte(strings.Replace(base, "agents_per_conversation: 2", "agents_per_conversation: 101", 1)))
	if err != nil {
		t.Fatal(err)
	}
	s.Defaults(c)
	if _, err := s.Check(c); err == nil || !strings.Contains(err.Error(), "maxUsersPerRoom") {
		t.Fatalf("got %v, want the room limit named", err)
	}
	s, _ = Parse("x.yaml", []byte(strings.Replace(base, "send-message", "no-such-role", 1)))
	s.Defaults(c)
	if _, err := s.Check(c); err == nil || !strings.Contains(err.Error(), "no-such-role") {
		t.Fatalf("got %v, want the unknown action named", err)
	}
}

func TestCapacityExpandsSteps(t *testing.T) {
	s, err := Parse("x.yaml", []byte(strings.Replace(base, "phases:\n  - {name: steady, duration: 60s, rate: 10}\n",
		"phases: []\ncapacity: {start: 10, step: 10, max: 40, hold: 5s}\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.Phases); got != 4 {
		t.Fatalf("got %d phases, want 4", got)
	}
	if got := s.PeakRate(); got != 40 {
		t.Fatalf("got peak %v, want 40", got)
	}
}

func TestClosedWithoutThinkTime(t *testing.T) {
	closed := strings.Replace(base, "model: {kind: open}", "model: {kind: closed, think_time: 0s}", 1)
	if _, err := Parse("x.yaml", []byte(closed)); err == nil || !strings.Contains(err.Error(), "needs limits_raised") {
		t.Fatalf("got %v, want a zero think time refused without limits_raised", err)
	}
	s, err := Parse("x.yaml", []byte(closed+"limits_raised: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := spec.Default()
	s.Defaults(c)
	rates, err := s.Check(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != 1 || !rates[0].Unbounded {
		t.Errorf("rates %+v, want send-message unbounded", rates)
	}
}

func TestScaleTo(t *testing.T) {
	y := strings.Replace(base, "phases:\n  - {name: steady, duration: 60s, rate: 10}",
		"events: [{at: 30s, action: drop}]\nphases:\n  - {name: a, duration: 60s, rate: 10}\n  - {name: b, duration: 30m, rate: 10}", 1)
	s, err := Parse("x.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.ScaleTo(62 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if f != 62.0/1860 || s.TotalDuration() != 62*time.Second || s.Phases[0].Duration.D() != 2*time.Second || s.Events[0].At.D() != time.Second {
		t.Errorf("factor %v, phases %+v, events %+v", f, s.Phases, s.Events)
	}
	if _, err := s.ScaleTo(0); err == nil {
		t.Error("scaled to 0")
	}
}
