package loadbench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/utalk/rtconform/spec"
)

// artilleryText is Artillery's message text: five words with accents and an emoji,
// the length of our generator's texts in this benchmark (texts: 5 words).
const artilleryText = "hola señora 👍 pedido número"

// artilleryScript is the Artillery 2 socketio script of the acked workload: users
// arrive within 2 s, each connects with its own token, then loops: emit the
// send-message event with an ack callback, wait for the ack (the reply
// event's name at $.0.event), think. namespace sits beside emit, as Artillery's
// socketio engine reads it. timeout is the contract's reply timeout in seconds.
func artilleryScript(o *Options, c *spec.Contract, target string, users int, think time.Duration) ([]byte, error) {
	send := c.ByRole(spec.SendMessage)
	step := map[string]any{
		"emit": map[string]any{
			"channel": send.Name,
			"data": map[string]any{
				"messageId":      "{{ $uuid }}-{{ $loopCount }}",
				"conversationId": "conv_bench_{{ $uuid }}",
				"type":           "text",
				"text":           artilleryText,
			},
		},
		"namespace": o.namespace(),
		"acknowledge": map[string]any{
			"match": map[string]any{"json": "$.0.event", "value": send.Reply.Name},
		},
	}
	// Each user loops until the processor's deadline (processorJS), the same
	// duration as our generator's warm-up and steady phases.
	loop := []any{step}
	if think > 0 {
		loop = append(loop, map[string]any{"think": fmt.Sprintf("%dms", think.Milliseconds())})
	}
	flow := []any{map[string]any{"loop": loop, "whileTrue": "beforeDeadline"}}
	script := map[string]any{
		"config": map[string]any{
			"target":    target,
			"processor": "./processor.js",
			"timeout":   int(c.Limits.ReplyTimeout().Seconds()),
			"payload":   map[string]any{"path": "tokens.csv", "fields": []string{"token"}, "order": "sequence"},
			"phases":    []any{map[string]any{"duration": 2, "arrivalCount": users}},
		},
		// socketio options sit in the scenario: Artillery templates config once at
		// load time, where {{ token }} is still unset, but the scenario's options for
		// each user as it connects.
		"scenarios": []any{map[string]any{"name": "acked", "engine": "socketio", "flow": flow,
			"socketio": map[string]any{
				"transports": []string{"websocket"},
				"auth":       map[string]any{c.Handshake.AuthField: "{{ token }}"},
			}}},
	}
	return yaml.Marshal(script)
}

// processorJS ends each user's loop LOADBENCH_SECONDS after the script was loaded.
const processorJS = `'use strict';
const deadline = Date.now() + 1000 * Number(process.env.LOADBENCH_SECONDS);
module.exports = { beforeDeadline(context, next) { return next(Date.now() < deadline); } };
`

// writeTokens writes one HS256 token per user, one a line, as Artillery's payload.
func writeTokens(ctx context.Context, path, secret, run string, users int) error {
	toks, err := mintTokens(ctx, secret, run, users)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(strings.Join(toks, "\n")+"\n"), 0o600)
}

// artilleryRun is one Artillery run and its JSON report.
type artilleryRun struct {
	proc   *process
	report artilleryReport
}

// artilleryReport is the part of `artillery run --output` this benchmark reads.
type artilleryReport struct {
	Aggregate    artilleryPeriod   `json:"aggregate"`
	Intermediate []artilleryPeriod `json:"intermediate"`
}

type artilleryPeriod struct {
	Counters      map[string]int64            `json:"counters"`
	FirstMetricAt int64                       `json:"firstMetricAt"`
	LastMetricAt  int64                       `json:"lastMetricAt"`
	Period        json.Number                 `json:"period"`
	Summaries     map[string]artillerySummary `json:"summaries"`
}

type artillerySummary struct {
	Count int64   `json:"count"`
	P99   float64 `json:"p99"`
	P50   float64 `json:"p50"`
}

// ackedMetric is the histogram Artillery's socketio engine records for each emit
// whose ack matched: its count is the acked messages.
const ackedMetric = "socketio.response_time"

func (p artilleryPeriod) acked() int64 { return p.Summaries[ackedMetric].Count }

// runArtillery runs Artillery with the acked workload against target.
func runArtillery(ctx context.Context, o *Options, target, secret, dir, tag string, users int, think time.Duration, seconds float64, limit time.Duration) (*artilleryRun, error) {
	work := filepath.Join(dir, tag)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	if err := writeTokens(ctx, filepath.Join(work, "tokens.csv"), secret, tag, users); err != nil {
		return nil, err
	}
	script, err := artilleryScript(o, o.Contract, target, users, think)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(work, "processor.js"), []byte(processorJS), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(work, "script.yml"), script, 0o644); err != nil {
		return nil, err
	}
	bin, err := filepath.Abs(o.artilleryBin())
	if err != nil {
		return nil, err
	}
	argv := []string{o.Node, bin, "run", "--quiet", "--output", "report.json", "script.yml"}
	env := []string{"ARTILLERY_DISABLE_TELEMETRY=true", "ARTILLERY_NO_UPDATE_CHECK=1",
		"LOADBENCH_SECONDS=" + strconv.FormatFloat(seconds, 'f', 3, 64)}
	p, err := startProcess("artillery ("+tag+")", argv, env, work, filepath.Join(dir, tag+"-artillery.log"))
	if err != nil {
		return nil, err
	}
	if err := p.wait(ctx, limit); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(work, "report.json"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tag, err)
	}
	r := &artilleryRun{proc: p}
	if err := json.Unmarshal(b, &r.report); err != nil {
		return nil, fmt.Errorf("%s: report.json: %w", tag, err)
	}
	return r, nil
}

// periods are Artillery's intermediate reports on the wall clock. Each covers
// [period, period+10s) and counts what completed in it.
func (r *artilleryRun) periods() []period {
	var out []period
	for _, ip := range r.report.Intermediate {
		ms, err := strconv.ParseInt(ip.Period.String(), 10, 64)
		if err != nil {
			continue
		}
		start := time.UnixMilli(ms)
		out = append(out, period{start: start, end: start.Add(artilleryPeriodLength), acked: ip.acked()})
	}
	return out
}

// artilleryPeriodLength is Artillery's reporting period (10 s unless changed).
const artilleryPeriodLength = 10 * time.Second

// failures are Artillery's errors and failed virtual users.
func (r *artilleryRun) failures() Failures {
	c := r.report.Aggregate.Counters
	f := Failures{}
	for k, n := range c {
		if strings.HasPrefix(k, "errors.") {
			f.Errors += n
			l := strings.ToLower(k)
			if strings.Contains(l, "timeout") || strings.Contains(l, "timedout") {
				f.Timeouts += n
			}
			if strings.Contains(l, "connect") || strings.Contains(l, "econn") || strings.Contains(l, "websocket") {
				f.ConnectFailed += n
			}
		}
	}
	f.FailedUsers = c["vusers.failed"]
	return f
}
