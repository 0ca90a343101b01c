// Package conformance is the UTalk realtime conformance suite: Ginkgo specs that check a
// Socket.IO server against the contract (package spec) clause by clause, and the harness
// they share (configuration, target start-up, a recording client, the control-surface
// client, verdicts and waivers).
//
// Run it with `go test ./conformance/...`, the ginkgo CLI, or `rtconform conform`. With no
// TARGET the suite starts the reference server itself; otherwise:
//
//	TARGET=https://rt.example.com JWT_SECRET=... CONTROL_URL=https://rt.example.com \
//	  go test ./conformance -ginkgo.label-filter='auth || dedup'
//
// Specs that need the control surface report Missing without CONTROL_URL; the
// multi-instance ones need two instances (the built-in target when a Redis can be had,
// or TARGET plus TARGET_INSTANCES); the adapter specs (Serial) fault Redis: for the
// built-in target each starts a fault cluster of its own (a Redis behind an in-process
// toxiproxy, two instances), for an external one the target's instances must use
// REDIS_PROXY_LISTEN as their Redis, which the suite forwards to REDIS_UPSTREAM:
//
//	TARGET=http://10.0.0.5:3001 TARGET_INSTANCES=http://10.0.0.6:3001 JWT_SECRET=... \
//	  REDIS_PROXY_LISTEN=10.0.0.2:6380 REDIS_UPSTREAM=10.0.0.7:6379 go test ./conformance
//
// The lost-reply spec puts the same kind of proxy between one client and the target.
// CONFORMANCE_REFERENCE_LOG=1 prints the built-in servers' logs.
//
// Each spec carries an area label (auth, dedup, ...) and one or more clause labels
// ("clause:dedup.same-reply"). After the suite, ReportAfterSuite turns the specs into a
// verdict for every clause of the contract (Pass, Fail, Missing, Waived) and writes
// report.json, junit.xml and report.html (package report/verdict) to REPORT_DIR.
//
// Adding a spec (helpers of suite_test.go and fixture_test.go):
//
//	var _ = Describe("dedup", Label("dedup"), func() {
//		It("answers a retry with the stored message", clause("dedup.same-reply"), func(ctx SpecContext) {
//			w := NewWorld()                       // unique tenant and workspace
//			c := connect(ctx, w, w.User("agent"), appNS())
//			send := ev(spec.SendMessage)           // events by role
//			p := w.Text(ConversationID(), "hi")
//			first := accepted(ctx, c, send, p)     // the reply, correlated
//			...
//		})
//	})
//
// Nothing in the suite types an event name: events are looked up by spec.Role.
package conformance
