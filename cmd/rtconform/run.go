package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/report/runreport"
	"github.com/utalk/rtconform/spec"
)

func init() {
	register("run", "the main job: conformance + the baseline load against TARGET, one report in reports/latest", runMain)
}

const runHelp = `usage: rtconform run [flags]

The main job. Runs the conformance suite, then the load scenario (default
scenarios/seed-baseline.yaml), against TARGET, and writes one report:

  <out>/index.html     links both reports, the verdict, Missing clauses by reason
  <out>/summary.json   the verdict and both steps' summaries
  <out>/junit.xml      one test case per clause and per load threshold
  <out>/conformance/   the suite's report.html, report.json, junit.xml
  <out>/load/          the load run's results files, report.html, summary.json

Only these entries of <out> are replaced; anything else there is left alone.

Without TARGET the conformance suite starts the reference server itself (two instances
over real Redis where Docker or a redis-server binary is available, else one in-memory
instance with the multi-instance clauses Missing), and the load step starts one
in-memory reference server in-process.

Exit status: 0 pass, 1 a conformance clause failed, 99 a load threshold breached (when
conformance passed), 2 usage or configuration error, 3 target unreachable or set-up
failure. Environment: as for 'rtconform conform' and 'rtconform load' (TARGET,
JWT_SECRET or TOKEN_CMD, CONTROL_URL, CONTRACT, STRICT, WAIVERS, ...).

Flags:
`

func runMain(ctx context.Context, env environment, args []string) int {
	exit := spec.Default().ExitCodes
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	out := fs.String("out", filepath.Join("reports", "latest"), "report directory (its previous run's entries are replaced)")
	scenarioFile := fs.String("scenario", filepath.Join("scenarios", "seed-baseline.yaml"), "load scenario")
	labels := fs.String("labels", "", "conformance label filter, e.g. '!slow'")
	noLoad := fs.Bool("no-load", false, "run the conformance suite only")
	fs.Usage = func() { fmt.Fprint(env.Stderr, runHelp); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exit.Pass
		}
		return exit.Usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rtconform run: unexpected arguments %v\n", fs.Args())
		return exit.Usage
	}
	if _, err := os.Stat(*scenarioFile); err != nil && !*noLoad {
		fmt.Fprintf(env.Stderr, "rtconform run: scenario: %v\n", err)
		return exit.Usage
	}
	if err := clearReport(*out); err != nil {
		fmt.Fprintf(env.Stderr, "rtconform run: %v\n", err)
		return exit.Usage
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(env.Stderr, "rtconform run: %v\n", err)
		return exit.Usage
	}

	fmt.Fprintln(env.Stderr, "== 1/2 conformance ==")
	cenv := env
	cenv.Getenv = overlay(env.Getenv, map[string]string{conformance.EnvReportDir: filepath.Join(*out, runreport.ConformanceDir)})
	var cargs []string
	if *labels != "" {
		cargs = append(cargs, "--labels", *labels)
	}
	conformCode := runConform(ctx, cenv, cargs)
	if ctx.Err() != nil {
		return exit.Unreachable
	}
	skipLoad := *noLoad
	if conformCode == exit.Unreachable && env.Getenv("TARGET") != "" {
		// The target did not answer the suite: a load run would only say so again.
		fmt.Fprintln(env.Stderr, "== 2/2 load: skipped, the target is unreachable ==")
		skipLoad = true
	}
	if !skipLoad {
		fmt.Fprintln(env.Stderr, "== 2/2 load:", *scenarioFile, "==")
		runLoad(ctx, env, []string{"--scenario", *scenarioFile, "--out", filepath.Join(*out, runreport.LoadDir)})
	}

	s, err := runreport.Build(*out, exit)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rtconform run: %v\n", err)
		return exit.Usage
	}
	if skipLoad {
		s.SkipLoad(map[bool]string{true: "--no-load", false: "the target is unreachable"}[*noLoad])
	}
	if err := runreport.Write(*out, s); err != nil {
		fmt.Fprintf(env.Stderr, "rtconform run: write the report: %v\n", err)
		return exit.Usage
	}
	fmt.Fprintf(env.Stdout, "\n== verdict: %s (exit %d) ==\n", s.Verdict, s.ExitCode)
	for _, l := range s.Lines {
		fmt.Fprintln(env.Stdout, l)
	}
	for _, b := range s.Breaches {
		fmt.Fprintln(env.Stdout, "threshold breached:", b)
	}
	for _, p := range s.Problems {
		fmt.Fprintln(env.Stdout, "problem:", p)
	}
	fmt.Fprintf(env.Stdout, "report: %s\n", filepath.Join(*out, runreport.IndexHTML))
	if s.Conformance == nil && conformCode != exit.Pass {
		return conformCode
	}
	return s.ExitCode
}

// overlay returns getenv with some variables replaced.
func overlay(getenv func(string) string, set map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := set[k]; ok {
			return v
		}
		return getenv(k)
	}
}

// clearReport removes the entries a previous run wrote into dir, and nothing else:
// --out may name a directory that holds other files.
func clearReport(dir string) error {
	for _, name := range []string{runreport.ConformanceDir, runreport.LoadDir, runreport.IndexHTML,
		runreport.SummaryJSON, runreport.JUnitXML} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}
