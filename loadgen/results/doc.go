// Package results writes and reads the results stream of a load run, under
// reports/load/<run-id>/:
//
//	settings.json    what produced the run: scenario, target, contract hash, limits in
//	                 force (the target's /health/socket), shard i/n, thresholds
//	intervals.jsonl  one record per second: counts, msg/s, p50/p95/p99, errors by
//	                 code, connections, and that second's histograms (mergeable)
//	final.json       the run's totals with its histograms (HdrHistogram V2, base64),
//	                 pending requests at the end, threshold verdicts
//	samples.json     raw latency values, only with --debug-samples (tests)
//
// A report is rebuilt from these files alone; shards merge by summing counts and
// merging histograms exactly.
//
//	w, err := results.Create(dir, settings)
//	w.Interval(rec) // every second
//	w.Final(final)
//	run, err := results.Read(dir)
package results
