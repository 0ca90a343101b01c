package loadgen

import (
	"github.com/utalk/rtconform/spec"
)

// events is the part of the contract the engine uses, resolved by role once.
type events struct {
	send, join, sync *spec.Event
	// byAnswer maps a reply or error event name to the client events it answers.
	byAnswer map[string][]*spec.Event
	// generic is the generic error event, which names the request's event (D2).
	generic *spec.Event
	// newMsg is message:new (by role), nil when the contract has none.
	newMsg *spec.Event
}

func resolve(c *spec.Contract, mix map[string]float64) *events {
	ev := &events{
		send: c.ByRole(spec.SendMessage), join: c.ByRole(spec.JoinConversation),
		sync: c.ByRole(spec.SyncState), generic: c.ByRole(spec.GenericError),
		newMsg: c.ByRole(spec.MessageNew), byAnswer: map[string][]*spec.Event{},
	}
	add := func(e *spec.Event) {
		if e == nil || !e.IsClient() {
			return
		}
		for _, a := range []*spec.Event{e.Reply, e.ErrorEvent} {
			list := ev.byAnswer[a.Name]
			dup := false
			for _, x := range list {
				dup = dup || x == e
			}
			if !dup {
				ev.byAnswer[a.Name] = append(list, e)
			}
		}
	}
	add(ev.send)
	add(ev.join)
	add(ev.sync)
	for a := range mix {
		add(c.ByRole(spec.Role(a)))
	}
	return ev
}
