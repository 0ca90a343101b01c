// Package scenario decodes and checks load scenario files.
//
// A scenario is YAML, decoded strictly: an unknown key is an error that names the key
// and its line. Actions are named by contract role (send-message, typing-start,
// read-conversation, sync-state, join-conversation) plus the pseudo-actions reconnect
// and customer-message, so a contract that renames its events needs no new scenarios.
//
//	sc, err := scenario.Load("scenarios/smoke.yaml")
//	if err != nil { ... }               // names the key and line
//	c := spec.Default()
//	if err := sc.Check(c); err != nil { // room size, rate limits (D3)
//		...
//	}
//
// Check refuses a scenario whose per-socket rate of any event would exceed the
// contract's per-event limit (spec.Event.RateLimit), unless limits_raised is true;
// reports state that the run was made against raised limits.
package scenario
