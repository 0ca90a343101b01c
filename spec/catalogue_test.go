package spec_test

import (
	"testing"

	"github.com/utalk/rtconform/spec"
)

// The event names of the source document, typed in here on purpose: the test fails
// if the contract loses one (issue 2: 9 client and 29 server events).
var (
	documentClientEvents = [...]string{
		"auth:refresh", "message:send", "typing:start", "typing:stop", "conversation:read",
		"agent:takeover", "agent:return-to-bot", "sync:state", "join:conversation",
	}
	documentServerEvents = [...]string{
		"auth:refreshed", "auth:failed", "token:expired", "user:expelled", "message:sent",
		"message:error", "message:new", "message:delivered", "message:read", "typing:acknowledged",
		"conversation:read:acknowledged", "agent:takeover:acknowledged", "agent:return:acknowledged",
		"conversation:updated", "conversation:new", "conversation:assigned", "escalation:started",
		"escalation:accepted", "bot:resumed", "media:uploaded", "media:upload:progress",
		"presence:update", "user:connected", "user:disconnected", "state:synced", "notification",
		"system:notification", "joined:conversation", "error",
	}
)

func TestDocumentEventsInContract(t *testing.T) {
	if len(documentClientEvents) != 9 || len(documentServerEvents) != 29 {
		t.Fatalf("the document has 9 client and 29 server events; the lists have %d and %d",
			len(documentClientEvents), len(documentServerEvents))
	}
	c := spec.Default()
	check := func(names []string, dir spec.Direction) {
		for _, name := range names {
			t.Run(name, func(t *testing.T) {
				e := c.Event(name)
				if e == nil {
					t.Fatalf("the contract has no event %q", name)
				}
				if e.Direction != dir {
					t.Errorf("%s: direction %s, want %s", name, e.Direction, dir)
				}
				if e.Extension {
					t.Errorf("%s is an event of the document, not an extension", name)
				}
			})
		}
	}
	check(documentClientEvents[:], spec.ClientToServer)
	check(documentServerEvents[:], spec.ServerToClient)

	// Every other event is marked as an extension.
	doc := map[string]bool{}
	for _, n := range append(documentClientEvents[:], documentServerEvents[:]...) {
		doc[n] = true
	}
	for _, e := range c.Events {
		if !doc[e.Name] && !e.Extension {
			t.Errorf("%s is not an event of the document: mark it extension: true", e.Name)
		}
	}
}
