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
// Each spec carries an area label (auth, dedup, ...) and one or more clause labels
// ("clause:dedup.same-reply"). After the suite, ReportAfterSuite turns the specs into a
// verdict for every clause of the contract (Pass, Fail, Missing, Waived) and writes
// report.json, junit.xml and report.html (package report/verdict) to REPORT_DIR.
//
// Adding a spec:
//
//	var _ = Describe("dedup", Label("dedup"), func() {
//		It("answers a retry with the stored message", Label(clause("dedup.same-reply")), func(ctx SpecContext) {
//			w := NewWorld()                       // unique tenant, users, conversation
//			a := w.Connect(ctx, w.Agent("a"), "/app")
//			first := a.Request(ctx, spec.SendMessage, w.Text("hi"))
//			...
//		})
//	})
//
// Nothing in the suite types an event name: events are looked up by spec.Role.
package conformance
