package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/report/verdict"
	"github.com/utalk/rtconform/spec"
)

func init() {
	register("conform", "run the conformance suite against TARGET (or the built-in reference server)", runConform)
}

const conformHelp = `usage: rtconform conform [flags]

Builds the conformance suite (go test -c ./conformance, reused while up to date), runs it,
and prints the verdicts from report.json. Exit status: 0 pass, 1 conformance failure,
2 usage or configuration error, 3 target unreachable or set-up failure.

Environment:
  TARGET         base URL of the implementation (http, https, ws, wss); empty: the suite
                 starts the reference server in-process
  SIO_PATH       Socket.IO path (default: the contract's transport.path)
  CA_FILE        PEM CA bundle for TLS targets;  INSECURE_TLS=1 skips verification
  HEADERS        extra handshake headers "K: V; K2: V2"
  JWT_SECRET     HS256 secret to mint test users' tokens, or
  TOKEN_CMD      command printing a token (env UTALK_SUB, UTALK_ROLE, UTALK_TENANT,
                 UTALK_WORKSPACE, UTALK_TTL)
  CONTROL_URL    control surface base URL (built-in target: its own); CONTROL_TOKEN bearer
  TARGET_INSTANCES  further instances of TARGET (comma-separated base URLs sharing its
                 Redis): the multi-instance specs run
  REDIS_PROXY_LISTEN, REDIS_UPSTREAM  the adapter specs fault an external target's Redis:
                 configure its instances to use REDIS_PROXY_LISTEN (host:port) as their
                 Redis; the suite listens there and forwards to REDIS_UPSTREAM
  CONTRACT       contract file (default: the embedded one)
  STRICT=1       Missing clauses fail the run
  WAIVERS        waiver file (YAML: waivers: [{clause, reason, expires: YYYY-MM-DD}])
  REPORT_DIR     report directory (default reports/conformance)

Flags:
`

func runConform(ctx context.Context, env environment, args []string) int {
	exit := spec.Default().ExitCodes
	fs := flag.NewFlagSet("conform", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	labels := fs.String("labels", "", "Ginkgo label filter, e.g. 'auth || dedup' or '!slow'")
	focus := fs.String("focus", "", "Ginkgo focus regexp on spec names")
	verbose := fs.Bool("v", false, "verbose Ginkgo output")
	cache := fs.String("cache", defaultCache(), "where the suite binary is built")
	timeout := fs.Duration("timeout", 0, "suite timeout (0: Ginkgo's default)")
	fs.Usage = func() { fmt.Fprint(env.Stderr, conformHelp); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exit.Pass
		}
		return exit.Usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "rtconform conform: unexpected arguments %v\n", fs.Args())
		return exit.Usage
	}
	cfg, err := conformance.ConfigFromEnv(env.Getenv)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rtconform conform: %v\n", err)
		return exit.Usage
	}
	if _, err := spec.LoadOrDefault(cfg.ContractPath); err != nil {
		fmt.Fprintf(env.Stderr, "rtconform conform: CONTRACT: %v\n", err)
		return exit.Usage
	}
	bin := filepath.Join(*cache, "conformance.test")
	if err := buildSuite(ctx, env.Stderr, bin); err != nil {
		fmt.Fprintf(env.Stderr, "rtconform conform: build the suite: %v\n", err)
		return exit.Unreachable
	}
	gargs := []string{"-test.timeout=0"}
	if *labels != "" {
		gargs = append(gargs, "-ginkgo.label-filter="+*labels)
	}
	if *focus != "" {
		gargs = append(gargs, "-ginkgo.focus="+*focus)
	}
	if *verbose {
		gargs = append(gargs, "-ginkgo.v")
	}
	if *timeout > 0 {
		gargs = append(gargs, "-ginkgo.timeout="+timeout.String())
	}
	report := filepath.Join(cfg.ReportDir, verdict.JSONFile)
	_ = os.Remove(report)
	cmd := exec.CommandContext(ctx, bin, gargs...)
	cmd.Dir = moduleDir()
	cmd.Stdout, cmd.Stderr = env.Stdout, env.Stderr
	cmd.Env = append(os.Environ(), conformance.EnvReportDir+"="+cfg.ReportDir)
	runErr := cmd.Run()
	res, err := verdict.ReadFile(report)
	if err != nil {
		fmt.Fprintf(env.Stderr, "rtconform conform: the suite wrote no verdicts (%v; suite: %v)\n", err, runErr)
		return exit.Unreachable
	}
	printSummary(env.Stdout, res, cfg.ReportDir)
	if res.Outcome == verdict.OutcomePass && specsRun(res) == 0 {
		// A gate must never pass having checked nothing: a label filter or focus with
		// a typo selects no spec.
		fmt.Fprintf(env.Stderr, "rtconform conform: no spec ran (labels %q, focus %q): nothing was checked\n", *labels, *focus)
		return exit.Usage
	}
	switch res.Outcome {
	case verdict.OutcomePass:
		return exit.Pass
	case verdict.OutcomeUsage:
		return exit.Usage
	case verdict.OutcomeUnreachable:
		return exit.Unreachable
	}
	return exit.ConformanceFailed
}

// buildSuite compiles the suite binary unless the one in place is newer than every
// source file of the module.
func buildSuite(ctx context.Context, stderr io.Writer, bin string) error {
	root := moduleDir()
	if upToDate(bin, root) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "rtconform conform: building the suite ...")
	cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./conformance")
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, stderr, stderr
	return cmd.Run()
}

func upToDate(bin, root string) bool {
	st, err := os.Stat(bin)
	if err != nil {
		return false
	}
	newer := errors.New("newer")
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "reports" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if n := d.Name(); strings.HasSuffix(n, ".go") || strings.HasSuffix(n, ".yaml") || n == "go.mod" || n == "go.sum" {
			if info, err := d.Info(); err == nil && info.ModTime().After(st.ModTime()) {
				return newer
			}
		}
		return nil
	})
	return err == nil
}

// moduleDir is the module root above the working directory.
func moduleDir() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

func printSummary(w io.Writer, r *verdict.Results, dir string) {
	fmt.Fprintf(w, "\nconformance %s: %s\n", strings.ToUpper(string(r.Outcome)), r.Summary)
	fmt.Fprintf(w, "target: %s\ncontract: %s (%s)\n", r.Stamp.Target, r.Stamp.Contract, short(r.Stamp.ContractHash))
	if r.Message != "" {
		fmt.Fprintf(w, "why: %s\n", r.Message)
	}
	for _, c := range r.Clauses {
		if c.Verdict == verdict.Fail {
			fmt.Fprintf(w, "  FAIL %-32s %s\n", c.ID, oneLine(c.Reason))
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  PROBLEM %s\n", oneLine(p))
	}
	fmt.Fprintf(w, "reports: %s/{%s,%s,%s}\n", dir, verdict.HTMLFile, verdict.JSONFile, verdict.JUnitFile)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// defaultCache is the user's cache directory (or the temp dir) plus rtconform/conformance.
func defaultCache() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "rtconform", "conformance")
}

// specsRun counts the specs that passed or failed (not skipped) in the results.
func specsRun(r *verdict.Results) int {
	n := 0
	for _, c := range r.Clauses {
		for _, sp := range c.Specs {
			if sp.State == "passed" || sp.State == "failed" {
				n++
			}
		}
	}
	return n
}
