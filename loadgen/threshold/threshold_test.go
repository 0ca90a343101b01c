package threshold

import (
	"errors"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/spec"
)

func TestParse(t *testing.T) {
	tests := []struct {
		metric, expr string
		want         Expr
		wantErr      bool
	}{
		{"reply_latency", "p(95)<200ms", Expr{Agg: "p", Q: 95, Op: "<", Limit: 200000}, false},
		{"connect_time", "max<10s", Expr{Agg: "max", Op: "<", Limit: 10e6}, false},
		{"fanout_latency", "p(99) <= 500", Expr{Agg: "p", Q: 99, Op: "<=", Limit: 500000}, false},
		{"error_rate", "rate<0.05", Expr{Agg: "rate", Op: "<", Limit: 0.05}, false},
		{"connections", "max<1000", Expr{Agg: "max", Op: "<", Limit: 1000}, false},
		{"error_rate", "p(95)<1", Expr{}, true},
		{"reply_latency", "p(101)<1s", Expr{}, true},
		{"reply_latency", "p95<1s", Expr{}, true},
		{"nope", "max<1", Expr{}, true},
		{"reply_latency", "p(95)<fast", Expr{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.metric+" "+tt.expr, func(t *testing.T) {
			got, err := Parse(tt.metric, tt.expr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrSyntax) {
					t.Fatalf("err %v does not wrap ErrSyntax", err)
				}
				return
			}
			got.Text = ""
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEvaluateBreachMessage(t *testing.T) {
	set, err := FromContract(spec.Default().Thresholds, map[string][]string{"reply_latency": {"p(95)<200ms"}})
	if err != nil {
		t.Fatal(err)
	}
	s := metrics.NewSnapshot()
	for range 100 {
		_ = s.Hists[metrics.ReplyLatency].RecordValue(metrics.Micros(312 * time.Millisecond))
	}
	s.Counts.Requests, s.Counts.Errors, s.Counts.MaxConnections = 100, 1, 5000
	rs := set.Evaluate(Input{Snapshot: s})
	br := Breached(rs)
	if len(br) != 1 {
		t.Fatalf("breached %+v, want only reply_latency", br)
	}
	if got, want := br[0].Message, "reply_latency p(95)=312.06ms > 200ms by 112.06ms"; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	for _, r := range rs {
		if r.Metric == "connections" && (r.Pass || !r.Informational) {
			t.Fatalf("connections: %+v, want an informational failure", r)
		}
		if r.Metric == "fanout_latency" && !r.NoData {
			t.Fatalf("fanout_latency: %+v, want no data", r)
		}
	}
}
