// Package loadgen drives a UTalk realtime target with virtual users and records what
// they see, following vegeta's pipeline: a scenario paces the load, every answer goes
// into HDR histograms and counters, a results stream is written under
// reports/load/<run-id>/, and reports are rendered from those files alone
// (report/loadreport).
//
// Each virtual user has its own token (token.Source) and its own lean Socket.IO
// connection (loadgen/sioconn). Events are looked up by contract role, never by name,
// so a variant contract with renamed events runs unchanged. Requests are correlated
// by the event's correlation field (messageId, syncId, conversationId): the reply is
// the event's Reply, a rejection its ErrorEvent (or the generic error event carrying
// the request's event name and correlationId, D2). Fan-out is measured at every other
// member of the conversation, from the intended send time; duplicates and
// out-of-order deliveries are found by seq per conversation (D10).
//
//	res, err := loadgen.Run(ctx, loadgen.Config{
//		Scenario: sc, Contract: spec.Default(), Target: "http://127.0.0.1:3000",
//		Tokens: src, OutDir: "reports/load/run1",
//	})
//	if len(res.Breached) > 0 { os.Exit(c.ExitCodes.ThresholdsBreached) }
//
// loadgen never imports the reference server or the conformance suite.
package loadgen
