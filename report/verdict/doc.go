// Package verdict holds the results file of a conformance run (report.json) and renders
// it for CI (JUnit XML) and for people (HTML). Data flows one way: the suite writes
// Results, and every rendering is rebuilt from report.json alone.
//
//	res, err := verdict.ReadFile("reports/conformance/report.json")
//	if err != nil { ... }
//	err = verdict.WriteAll("reports/conformance", res) // junit.xml, report.html
//	fmt.Println(res.Summary)                           // 61 pass, 0 fail, 12 missing, 0 waived
package verdict
