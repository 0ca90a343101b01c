package reference

import (
	"time"

	"github.com/zishang520/socket.io/servers/engine/v3"
	"github.com/zishang520/socket.io/servers/socket/v3"
)

// Server-side events between the instances of a cluster, for the control
// surface: how many sockets a user holds, and dropping their transports.
const (
	opCount = "reference:count-sockets"
	opDrop  = "reference:drop-sockets"
)

// setupClusterOps answers the other instances' requests.
func (s *Server) setupClusterOps() {
	if s.cluster == nil {
		return
	}
	root := s.io.Sockets()
	_ = root.On(opCount, func(args ...any) {
		answerOp(args, func(tenant, user string) int { return len(s.localSessions(tenant, user)) })
	})
	_ = root.On(opDrop, func(args ...any) { answerOp(args, s.dropLocal) })
}

func answerOp(args []any, fn func(tenant, user string) int) {
	var ack socket.Ack
	if n := len(args); n > 0 {
		ack, _ = args[n-1].(socket.Ack)
	}
	str := func(i int) string {
		if i < len(args) {
			v, _ := args[i].(string)
			return v
		}
		return ""
	}
	n := fn(str(0), str(1))
	if ack != nil {
		ack([]any{n}, nil)
	}
}

// clusterSum runs op for (tenant, user) here and on every other instance and
// returns the total of the answers; instances that do not answer in time count 0.
func (s *Server) clusterSum(op string, tenant, user string, local func(tenant, user string) int) int {
	n := local(tenant, user)
	if s.cluster == nil {
		return n
	}
	ch := make(chan int, 1)
	err := s.io.Sockets().ServerSideEmitWithAck(op, tenant, user)(func(resps []any, _ error) {
		select {
		case ch <- sumNumbers(resps):
		default:
		}
	})
	if err != nil {
		s.log.Warn("cluster request failed", "op", op, "err", err)
		return n
	}
	select {
	case r := <-ch:
		return n + r
	case <-time.After(3 * time.Second):
		return n
	}
}

func sumNumbers(v any) int {
	switch x := v.(type) {
	case []any:
		n := 0
		for _, e := range x {
			n += sumNumbers(e)
		}
		return n
	case float64:
		return int(x)
	case int:
		return x
	case int64:
		return int(x)
	}
	return 0
}

// dropLocal closes the transports of this instance's sockets of (tenant, user)
// (every one when both are empty) and returns how many sockets they carried.
func (s *Server) dropLocal(tenant, user string) int {
	matched := s.localSessions(tenant, user)
	conns := map[string]engine.Socket{}
	for _, ss := range matched {
		c := ss.sock.Conn()
		conns[c.Id()] = c
	}
	for _, c := range conns {
		c.Close(true)
	}
	return len(matched)
}
