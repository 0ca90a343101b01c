package scenario

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/utalk/rtconform/spec"
)

// ErrRateLimit is wrapped when a scenario would exceed a contract rate limit.
var ErrRateLimit = errors.New("scenario exceeds the contract's per-socket rate limit")

// SocketRate is the planned rate of one event on one socket.
type SocketRate struct {
	Role      string        `json:"role"`
	Event     string        `json:"event"`
	PerWindow float64       `json:"perWindow"`
	Limit     int           `json:"limit"`
	Window    time.Duration `json:"window"`
	// Unbounded is set for a closed model without think time: as fast as answers come.
	Unbounded bool `json:"unbounded,omitempty"`
}

// Defaults fills the fields left zero from the contract.
func (s *Scenario) Defaults(c *spec.Contract) {
	if s.ReplyTimeout == 0 {
		s.ReplyTimeout = Duration(c.Limits.ReplyTimeout())
	}
	if s.Drain == 0 {
		s.Drain = s.ReplyTimeout
	}
	if s.Connect.Timeout == 0 {
		s.Connect.Timeout = Duration(c.Transport.ConnectTimeout())
		if s.Connect.Timeout == 0 {
			s.Connect.Timeout = Duration(10 * time.Second)
		}
	}
	if s.Target.Namespace == "" {
		for _, n := range c.Namespaces {
			if !n.Refuses {
				s.Target.Namespace = n.Path
				break
			}
		}
	}
	if s.Texts.MaxWords == 0 {
		s.Texts.MinWords, s.Texts.MaxWords = max(1, s.Texts.MinWords), max(80, s.Texts.MinWords)
	}
	if s.Tenant.Business == "" {
		s.Tenant.Business = "+15550000000"
	}
}

// Check checks the scenario against the contract: every action names a client event the
// namespace carries (or a pseudo-action), rooms stay within maxUsersPerRoom, and the
// per-socket rate of every event stays within its limit unless LimitsRaised.
func (s *Scenario) Check(c *spec.Contract) ([]SocketRate, error) {
	ns := c.Namespace(s.Target.Namespace)
	if ns == nil || ns.Refuses {
		return nil, fmt.Errorf("%w: target.namespace %q is not a namespace clients may use", ErrInvalid, s.Target.Namespace)
	}
	for a := range s.Mix {
		if a == ActionReconnect || a == ActionCustomerMessage {
			continue
		}
		e := c.ByRole(spec.Role(a))
		if e == nil || !e.IsClient() || !e.InNamespace(ns.Path) {
			return nil, fmt.Errorf("%w: mix.%s is not a client event of %s in this contract", ErrInvalid, a, ns.Path)
		}
	}
	if m := c.Limits.MaxUsersPerRoom; m > 0 && s.Users.Members() > m {
		return nil, fmt.Errorf("%w: %d members per conversation exceeds the contract's maxUsersPerRoom %d",
			ErrInvalid, s.Users.Members(), m)
	}
	rates := s.socketRates(c)
	var over []string
	for _, r := range rates {
		switch {
		case r.Unbounded:
			over = append(over, fmt.Sprintf("%s (%s) unbounded per socket (no think time) > limit %d per %s",
				r.Role, r.Event, r.Limit, r.Window))
		case r.PerWindow > float64(r.Limit):
			over = append(over, fmt.Sprintf("%s (%s) %.1f per %s per socket > limit %d",
				r.Role, r.Event, r.PerWindow, r.Window, r.Limit))
		}
	}
	if len(over) > 0 && !s.LimitsRaised {
		return rates, fmt.Errorf("%w: %s; spread the load over more connections, lower the rate, or set limits_raised: true against a target run with raised limits",
			ErrRateLimit, strings.Join(over, "; "))
	}
	return rates, nil
}

// socketRates computes, for each event of the mix, its planned count per rate-limit
// window on the busiest socket. The engine spreads each action round-robin over the
// users allowed to do it, so the busiest socket carries rate/users.
func (s *Scenario) socketRates(c *spec.Contract) []SocketRate {
	total := 0.0
	for _, w := range s.Mix {
		total += w
	}
	if total == 0 {
		return nil
	}
	var out []SocketRate
	for a, w := range s.Mix {
		e := c.ByRole(spec.Role(a))
		if e == nil || w == 0 {
			continue
		}
		users := float64(s.Users.Conversations * s.Users.Senders())
		if users == 0 {
			continue
		}
		var perSecond float64
		if s.Model.Kind == Closed && s.Model.ThinkTime == 0 {
			out = append(out, SocketRate{Role: a, Event: e.Name, Limit: e.RateLimit.Limit, Window: e.RateLimit.Window, Unbounded: true})
			continue
		} else if s.Model.Kind == Closed {
			perSecond = (w / total) / s.Model.ThinkTime.D().Seconds()
		} else {
			perSecond = s.PeakRate() * (w / total) / users
		}
		per := perSecond * e.RateLimit.Window.Seconds()
		if spec.Role(a) == spec.JoinConversation {
			per++ // the join every user makes when it connects
		}
		out = append(out, SocketRate{Role: a, Event: e.Name, PerWindow: per, Limit: e.RateLimit.Limit, Window: e.RateLimit.Window})
	}
	if e := c.ByRole(spec.SyncState); e != nil && (len(s.Events) > 0 || s.Mix[ActionReconnect] > 0) {
		// Re-syncs after reconnects: one per drop, plus the reconnect action's share.
		per := float64(len(s.Events))
		if w := s.Mix[ActionReconnect]; w > 0 && s.Model.Kind == Open {
			per += s.PeakRate() * (w / total) / float64(s.Users.Total()) * e.RateLimit.Window.Seconds()
		}
		found := false
		for i := range out {
			if out[i].Role == string(spec.SyncState) {
				out[i].PerWindow += per
				found = true
			}
		}
		if !found {
			out = append(out, SocketRate{Role: string(spec.SyncState), Event: e.Name, PerWindow: per, Limit: e.RateLimit.Limit, Window: e.RateLimit.Window})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Role < out[j].Role })
	return out
}
