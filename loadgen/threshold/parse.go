package threshold

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
)

// ErrSyntax is wrapped by every parse error.
var ErrSyntax = errors.New("threshold syntax")

// Kind is the kind of a metric, which decides the aggregations it takes.
type Kind int

// Metric kinds.
const (
	Latency Kind = iota + 1
	Rate
	Counter
)

// Metrics lists every metric a threshold may name, with its kind.
var Metrics = map[string]Kind{
	metrics.ReplyLatency: Latency, metrics.FanoutLatency: Latency,
	metrics.SyncLatency: Latency, metrics.ConnectTime: Latency,
	"error_rate": Rate, "fanout_loss_rate": Rate,
	"connections": Counter, "lost": Counter, "duplicates": Counter,
	"out_of_order": Counter, "pending": Counter, "reconnects": Counter,
}

// Expr is one parsed expression.
type Expr struct {
	Text string
	Agg  string  // "p", "max", "min", "avg", "count", "rate"
	Q    float64 // the percentile of p(Q)
	Op   string
	// Limit is in the metric's unit: microseconds for latencies, a fraction for rates,
	// a count for counters.
	Limit float64
}

// Parse parses expr for metric.
func Parse(metric, expr string) (Expr, error) {
	kind, ok := Metrics[metric]
	if !ok {
		return Expr{}, fmt.Errorf("%w: unknown metric %q", ErrSyntax, metric)
	}
	s := strings.ReplaceAll(expr, " ", "")
	e := Expr{Text: expr}
	i := strings.IndexAny(s, "<>")
	if i <= 0 {
		return e, fmt.Errorf("%w: %s: %q: want agg op value, e.g. p(95)<200ms", ErrSyntax, metric, expr)
	}
	agg, rest := s[:i], s[i:]
	e.Op = rest[:1]
	if len(rest) > 1 && rest[1] == '=' {
		e.Op = rest[:2]
	}
	val := rest[len(e.Op):]
	switch {
	case strings.HasPrefix(agg, "p(") && strings.HasSuffix(agg, ")"):
		q, err := strconv.ParseFloat(agg[2:len(agg)-1], 64)
		if err != nil || q <= 0 || q > 100 {
			return e, fmt.Errorf("%w: %s: %q: percentile must be in (0, 100]", ErrSyntax, metric, expr)
		}
		e.Agg, e.Q = "p", q
	case agg == "max" || agg == "min" || agg == "avg" || agg == "count" || agg == "rate":
		e.Agg = agg
	default:
		return e, fmt.Errorf("%w: %s: %q: unknown aggregation %q", ErrSyntax, metric, expr, agg)
	}
	if err := checkAgg(kind, e.Agg); err != nil {
		return e, fmt.Errorf("%w: %s: %q: %v", ErrSyntax, metric, expr, err)
	}
	limit, err := parseValue(kind, e.Agg, val)
	if err != nil {
		return e, fmt.Errorf("%w: %s: %q: %v", ErrSyntax, metric, expr, err)
	}
	e.Limit = limit
	return e, nil
}

func checkAgg(k Kind, agg string) error {
	ok := false
	switch k {
	case Latency:
		ok = agg != "rate"
	case Rate:
		ok = agg == "rate"
	case Counter:
		ok = agg == "max" || agg == "count"
	}
	if !ok {
		return fmt.Errorf("aggregation %s does not apply to this metric", agg)
	}
	return nil
}

func parseValue(k Kind, agg, v string) (float64, error) {
	if k != Latency || agg == "count" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("value %q is not a number", v)
		}
		return f, nil
	}
	unit := time.Millisecond
	num := v
	for _, u := range []struct {
		s string
		d time.Duration
	}{{"us", time.Microsecond}, {"µs", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}} {
		if strings.HasSuffix(v, u.s) {
			num, unit = strings.TrimSuffix(v, u.s), u.d
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("value %q is not a duration such as 200ms", v)
	}
	return f * float64(unit/time.Microsecond), nil
}

// holds reports whether observed satisfies the expression.
func (e Expr) holds(observed float64) bool {
	switch e.Op {
	case "<":
		return observed < e.Limit
	case "<=":
		return observed <= e.Limit
	case ">":
		return observed > e.Limit
	default:
		return observed >= e.Limit
	}
}
