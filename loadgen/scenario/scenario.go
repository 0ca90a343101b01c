package scenario

import "time"

// Actions a mix may name besides the contract's client-event roles.
const (
	// ActionReconnect closes the user's connection and dials again, then re-syncs.
	ActionReconnect = "reconnect"
	// ActionCustomerMessage posts an inbound customer message to the control surface.
	ActionCustomerMessage = "customer-message"
)

// Workload models.
const (
	// Open is an arrival rate: operations are started at the phase's rate whatever the
	// latency, and latency is measured from the intended start (no coordinated omission).
	Open = "open"
	// Closed is N users, each doing one operation, waiting for its answer, then thinking.
	Closed = "closed"
)

// Scenario is one load scenario file.
type Scenario struct {
	Name        string  `yaml:"name" json:"name"`
	Description string  `yaml:"description" json:"description,omitempty"`
	Target      Target  `yaml:"target" json:"target"`
	Tenant      Tenant  `yaml:"tenant" json:"tenant"`
	Users       Users   `yaml:"users" json:"users"`
	Connect     Connect `yaml:"connect" json:"connect"`
	Model       Model   `yaml:"model" json:"model"`
	Phases      []Phase `yaml:"phases" json:"phases"`
	// Mix weighs the actions; weights need not sum to 1.
	Mix map[string]float64 `yaml:"mix" json:"mix"`
	// Texts bounds the words of generated message texts.
	Texts Texts `yaml:"texts" json:"texts"`
	// ReplyTimeout is how long an answer may take before it counts lost (default the
	// contract's limits.replyTimeoutMs, 10 s).
	ReplyTimeout Duration `yaml:"reply_timeout" json:"reply_timeout"`
	// Drain is how long the run waits at the end for pending answers (default ReplyTimeout).
	Drain Duration `yaml:"drain" json:"drain"`
	// Thresholds override the contract's defaults, by metric: "p(95)<200ms" or a list.
	Thresholds map[string]Exprs `yaml:"thresholds" json:"thresholds,omitempty"`
	// JudgePhases names the phases whose intervals thresholds judge (default: all).
	JudgePhases []string `yaml:"judge_phases" json:"judge_phases,omitempty"`
	// LimitsRaised allows per-socket rates above the contract's limits, for targets run
	// with raised limits; the report says so.
	LimitsRaised bool `yaml:"limits_raised" json:"limits_raised"`
	// Events are actions at fixed times of the run, for example a drop of every transport.
	Events    []TimedEvent `yaml:"events" json:"events,omitempty"`
	Reconnect Reconnect    `yaml:"reconnect" json:"reconnect"`
	// Memory samples the target's RSS from its metrics endpoint.
	Memory   Memory    `yaml:"memory" json:"memory"`
	Capacity *Capacity `yaml:"capacity" json:"capacity,omitempty"`
	Seed     int64     `yaml:"seed" json:"seed"`
}

// Target says where the server is; --target and TARGET override URL.
type Target struct {
	URL       string `yaml:"url" json:"url,omitempty"`
	Namespace string `yaml:"namespace" json:"namespace"`
	// Contract is the path of a contract document (default: the embedded one).
	Contract string `yaml:"contract" json:"contract,omitempty"`
}

// Tenant is the tenant and workspace of every virtual user.
type Tenant struct {
	ID        string `yaml:"id" json:"id"`
	Workspace string `yaml:"workspace" json:"workspace"`
	// Business is the WhatsApp number customers write to (customer-message).
	Business string `yaml:"business" json:"business,omitempty"`
}

// Users sizes the population. Every conversation has the same members.
type Users struct {
	Conversations         int `yaml:"conversations" json:"conversations"`
	AgentsPerConversation int `yaml:"agents_per_conversation" json:"agents_per_conversation"`
	BotsPerConversation   int `yaml:"bots_per_conversation" json:"bots_per_conversation"`
	// WatchersPerConversation is the fan-out group: members who join and receive but
	// never send (supervisors, other tabs).
	WatchersPerConversation int `yaml:"watchers_per_conversation" json:"watchers_per_conversation"`
	// CustomersPerConversation is 0 or 1: a WhatsApp customer whose messages enter
	// through the control surface.
	CustomersPerConversation int `yaml:"customers_per_conversation" json:"customers_per_conversation"`
}

// Members is the number of socket users in one conversation.
func (u Users) Members() int {
	return u.AgentsPerConversation + u.BotsPerConversation + u.WatchersPerConversation
}

// Senders is the number of users per conversation who emit client events.
func (u Users) Senders() int { return u.AgentsPerConversation + u.BotsPerConversation }

// Total is the number of virtual users (connections).
func (u Users) Total() int { return u.Conversations * u.Members() }

// Connect says how users connect.
type Connect struct {
	// Within spreads the connects evenly over this duration (0: all at once).
	Within Duration `yaml:"within" json:"within"`
	// Timeout bounds one connect (default the contract's transport.connectTimeoutMs).
	Timeout Duration `yaml:"timeout" json:"timeout"`
}

// Model is the workload model.
type Model struct {
	Kind string `yaml:"kind" json:"kind"`
	// ThinkTime is the pause between a closed user's operations; 0s (as fast as
	// answers come, a benchmark's closed loop) needs limits_raised.
	ThinkTime Duration `yaml:"think_time" json:"think_time,omitempty"`
}

// Phase is one stretch of the run. Under the open model the rate goes linearly from
// From (default the previous phase's Rate) to Rate operations per second; under the
// closed model Users users are active (default all).
type Phase struct {
	Name     string   `yaml:"name" json:"name"`
	Duration Duration `yaml:"duration" json:"duration"`
	Rate     float64  `yaml:"rate" json:"rate,omitempty"`
	From     *float64 `yaml:"from" json:"from,omitempty"`
	Users    int      `yaml:"users" json:"users,omitempty"`
}

// Texts bounds generated texts, in words.
type Texts struct {
	MinWords int `yaml:"min_words" json:"min_words"`
	MaxWords int `yaml:"max_words" json:"max_words"`
}

// TimedEvent is an action at a time of the run.
type TimedEvent struct {
	At Duration `yaml:"at" json:"at"`
	// Action is "drop" (POST /control/drop: the server closes every transport).
	Action string `yaml:"action" json:"action"`
}

// Reconnect says how users come back after losing their connection.
type Reconnect struct {
	// Jitter spreads reconnects uniformly over [0, Jitter).
	Jitter Duration `yaml:"jitter" json:"jitter"`
	// Resync sends sync-state with the user's cursors after reconnecting (default true).
	Resync *bool `yaml:"resync" json:"resync,omitempty"`
}

// ResyncOn reports whether reconnected users re-sync.
func (r Reconnect) ResyncOn() bool { return r.Resync == nil || *r.Resync }

// Memory samples the target's process_resident_memory_bytes.
type Memory struct {
	// MetricsURL is the target's Prometheus endpoint (default TARGET/metrics).
	MetricsURL string   `yaml:"metrics_url" json:"metrics_url,omitempty"`
	Every      Duration `yaml:"every" json:"every,omitempty"`
	// MaxGrowth fails the run when RSS at the end exceeds RSS after connecting by more
	// than this fraction (0: not checked).
	MaxGrowth float64 `yaml:"max_growth" json:"max_growth,omitempty"`
}

// Capacity steps the open rate up until a threshold breaks.
type Capacity struct {
	Start float64  `yaml:"start" json:"start"`
	Step  float64  `yaml:"step" json:"step"`
	Max   float64  `yaml:"max" json:"max"`
	Hold  Duration `yaml:"hold" json:"hold"`
}

// TotalDuration is the sum of the phase durations.
func (s *Scenario) TotalDuration() time.Duration {
	var d time.Duration
	for _, p := range s.Phases {
		d += p.Duration.D()
	}
	return d
}

// PeakRate is the highest open rate of any phase.
func (s *Scenario) PeakRate() float64 {
	peak := 0.0
	for _, p := range s.Phases {
		peak = max(peak, p.Rate)
		if p.From != nil {
			peak = max(peak, *p.From)
		}
	}
	return peak
}
