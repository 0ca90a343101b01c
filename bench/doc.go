// Package bench runs the comparative benchmark of issue 3 item 11: the same workloads,
// side by side in one invocation, against the Go reference server and a minimal server on
// the official Node socket.io 4.8 that does the same work (bench/node/server.js), each in
// its own process so that its CPU time and memory can be read from /proc.
//
// Workloads (rate limits off in both servers, and the report says so):
//   - acked: N connections on the main namespace, each sending the contract's
//     send-message event and waiting for its reply before the next;
//   - fanout: one room of maxUsersPerRoom members, one sender, every other member
//     receiving each new message;
//   - idle: C idle connections, RSS per connection, each server in a fresh process
//     (the heap the other workloads left behind would otherwise absorb them).
//
// Options.BaselineCommand adds a second Go server (the build before a change) to
// the same run, Options.Rounds repeats the workloads interleaved, Options.ProfileDir
// takes pprof profiles of the Go server under the workloads (it runs with --pprof),
// and Options.Hold holds many idle connections (10,000) to each server.
//
// The result is server CPU time per 1,000 acked messages and per 1,000 fan-out
// deliveries and RSS per idle connection, each with its ratio Go/Node.
//
//	res, err := bench.Run(ctx, bench.Options{GoCommand: []string{"bin/rtconform", "serve"}})
//	fmt.Print(res.Markdown())
package bench
