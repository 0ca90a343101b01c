package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/report/loadreport"
	"github.com/utalk/rtconform/spec"
)

func init() {
	register("report", "render a load run's reports from its files: report DIR | report merge DIR... --out D", runReport)
}

func runReport(_ context.Context, env environment, args []string) int {
	exit := spec.Default().ExitCodes
	if len(args) > 0 && args[0] == "merge" {
		return runMerge(env, args[1:], exit)
	}
	const usage = "usage: rtconform report DIR\n       rtconform report merge DIR1 DIR2... --out D"
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(env.Stdout, usage)
		return exit.Pass
	}
	if len(args) != 1 {
		fmt.Fprintln(env.Stderr, usage)
		return exit.Usage
	}
	return reportRun(env, args[0], exit)
}

func runMerge(env environment, args []string, exit spec.ExitCodes) int {
	fs := flag.NewFlagSet("report merge", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	out := fs.String("out", "", "directory of the merged run (required)")
	// Accept --out anywhere: flags after the directories too.
	var dirs []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return exit.Usage
		}
		args = fs.Args()
		if len(args) > 0 {
			dirs = append(dirs, args[0])
			args = args[1:]
		}
	}
	if *out == "" || len(dirs) == 0 {
		fmt.Fprintln(env.Stderr, "usage: rtconform report merge DIR1 DIR2... --out D")
		return exit.Usage
	}
	var runs []*results.Run
	for _, d := range dirs {
		r, err := results.Read(d)
		if err != nil {
			fmt.Fprintln(env.Stderr, "rtconform report merge:", err)
			return exit.Usage
		}
		runs = append(runs, r)
	}
	m, err := loadreport.Merge(runs)
	if err != nil {
		fmt.Fprintln(env.Stderr, "rtconform report merge:", err)
		return exit.Usage
	}
	if err := loadreport.Save(*out, m); err != nil {
		fmt.Fprintln(env.Stderr, "rtconform report merge:", err)
		return exit.Usage
	}
	return reportRun(env, *out, exit)
}
