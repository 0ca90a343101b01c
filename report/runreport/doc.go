// Package runreport renders the main job's report (reports/latest/): one verdict over
// the conformance results (conformance/report.json) and the baseline load run
// (load/summary.json), rebuilt from those two files alone.
//
//	s, err := runreport.Build("reports/latest")  // reads the two result files
//	err = runreport.Write("reports/latest", s)   // summary.json, junit.xml, index.html
//	os.Exit(s.ExitCode)
package runreport
