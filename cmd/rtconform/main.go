// Command rtconform is the UTalk realtime harness: a reference server, a conformance
// suite, a load generator and their reports, as subcommands.
//
//	rtconform serve                 # the reference server
//	rtconform conform               # the conformance suite against TARGET (or the reference)
//	rtconform load --scenario F     # a load scenario
//	rtconform report DIR            # render reports from results files
//	rtconform run                   # conformance + baseline load, one verdict
//
// Each subcommand has --help. Exit codes are the contract's (spec: x-socketio.exitCodes).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/utalk/rtconform/spec"
)

// command is one subcommand. run returns the process exit status.
type command struct {
	summary string
	run     func(ctx context.Context, env environment, args []string) int
}

// environment is what a subcommand may use of the process, so tests can run it in-process.
type environment struct {
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// commands is filled by each subcommand's file in an init function.
var commands = map[string]command{}

func register(name, summary string, run func(context.Context, environment, []string) int) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, environment{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, env environment, args []string) int {
	exit := spec.Default().ExitCodes
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stderr)
		if len(args) == 0 {
			return exit.Usage
		}
		return exit.Pass
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "rtconform: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return exit.Usage
	}
	return c.run(ctx, env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: rtconform <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'rtconform <command> --help' for the flags of a command.")
}
