// Package threshold parses and evaluates load thresholds, k6 style.
//
// Grammar (one expression; a metric may carry several):
//
//	expr  = agg op value
//	agg   = "p(" number ")" | "max" | "min" | "avg" | "count" | "rate"
//	op    = "<" | "<=" | ">" | ">="
//	value = number [unit]        unit = "us" | "ms" | "s" | "m"
//
// Latency metrics (reply_latency, fanout_latency, sync_latency, connect_time) take
// p(N), max, min, avg and count; a value without a unit is milliseconds. error_rate
// and fanout_loss_rate take rate (a fraction: rate<0.05). The counters connections,
// lost, duplicates, out_of_order, pending and reconnects take max or count.
//
//	set, err := threshold.FromContract(c.Thresholds, map[string][]string{
//		"reply_latency": {"p(95)<200ms"}, // replaces the contract's reply_latency
//	})
//	for _, r := range set.Evaluate(threshold.Input{Snapshot: total}) {
//		if !r.Pass && !r.Informational {
//			fmt.Println(r.Message) // reply_latency p(95)=312ms > 200ms by 112ms
//		}
//	}
package threshold
