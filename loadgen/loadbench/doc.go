// Package loadbench shows that the load generator is never the bottleneck nor the
// source of errors (issue 5 item 9). It runs, side by side in one invocation and each
// client and server in its own process so that /proc gives each its own CPU time
// and memory:
//
//   - acked: our generator (`rtconform load`, a generated closed-model scenario) and
//     Artillery (pinned in node/package.json, its socketio engine) against the Node
//     socket.io benchmark server of package bench (bench/node/server.js, config
//     written as bench writes it), 50 connections each sending the send-message event
//     and waiting for its reply; acked messages per CPU-second of each client's
//     process tree over its steady window, and the ratio (target: at least 3x). A
//     paced variant (50 ms think time) is reported for information.
//   - latency: our generator and a raw websocket client at 1,000 msg/s (open rate,
//     timed from the intended send) against a minimal echo server (`loadbench echo`);
//     our p99 minus the raw client's is what the generator adds (target: 1 ms).
//   - connections: 5,000 users from one generator process against the Node server;
//     the process's peak RSS (VmHWM, target: 1 GB) and its failures (target: none).
//
// Every part also counts the clients' own timeouts, connect failures and errors,
// with the reply timeout at the contract's 10 s.
//
//	res, err := loadbench.Run(ctx, loadbench.Options{OutDir: "reports/loadbench"})
//	fmt.Print(res.Markdown())
//	if !res.Met() { ... }
//
// `make loadbench` builds what it needs and runs cmd/loadbench.
package loadbench
