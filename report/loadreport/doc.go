// Package loadreport renders load-run reports from results files alone (the stream
// loadgen/results writes): summary.json, summary.md and a self-contained report.html
// with inline SVG plots (latency percentile distribution, latency and throughput over
// time, errors over time). It also merges shard runs exactly: counts add up and
// histograms merge bucket by bucket, never by averaging percentiles.
//
//	run, err := results.Read("reports/load/run1")
//	sum, err := loadreport.Summarize(run)
//	err = loadreport.Write("reports/load/run1", run, sum)
//
//	merged, err := loadreport.Merge([]*results.Run{a, b, c})
//	err = loadreport.Save("reports/load/merged", merged)
package loadreport
