package metrics

// Counts are the counters of a run or an interval. Every field adds up across shards
// and intervals, except MaxConnections, which takes the maximum.
type Counts struct {
	ConnectAttempts int64 `json:"connectAttempts"`
	ConnectFailed   int64 `json:"connectFailed"`
	Reconnects      int64 `json:"reconnects"`
	Disconnects     int64 `json:"disconnects"`
	MaxConnections  int64 `json:"maxConnections"`

	// Requests are client events that expect a reply; Replies were answered by the
	// event's reply, Errors by its error event, Lost by nothing within the timeout.
	Requests int64 `json:"requests"`
	Replies  int64 `json:"replies"`
	Errors   int64 `json:"errors"`
	Lost     int64 `json:"lost"`
	// Late answers came after their request was counted lost.
	Late int64 `json:"late"`

	MessagesSent  int64 `json:"messagesSent"`
	MessagesAcked int64 `json:"messagesAcked"`

	FanoutExpected  int64 `json:"fanoutExpected"`
	FanoutDelivered int64 `json:"fanoutDelivered"`
	FanoutLost      int64 `json:"fanoutLost"`
	// FanoutRecovered deliveries did not come live (the member was disconnected)
	// but came back in the member's re-sync: Expected = Delivered + Lost + Recovered.
	FanoutRecovered int64 `json:"fanoutRecovered,omitempty"`
	Duplicates      int64 `json:"duplicates"`
	OutOfOrder      int64 `json:"outOfOrder"`
	// Unmatched deliveries carry a messageId this run did not send (other clients).
	Unmatched int64 `json:"unmatched"`
	// Resynced messages came back in a sync-state answer after a reconnect.
	Resynced int64 `json:"resynced"`

	ErrorsByCode   map[string]int64 `json:"errorsByCode,omitempty"`
	RequestsByRole map[string]int64 `json:"requestsByRole,omitempty"`
}

// Add adds o into c.
func (c *Counts) Add(o *Counts) {
	c.ConnectAttempts += o.ConnectAttempts
	c.ConnectFailed += o.ConnectFailed
	c.Reconnects += o.Reconnects
	c.Disconnects += o.Disconnects
	c.MaxConnections = max(c.MaxConnections, o.MaxConnections)
	c.Requests += o.Requests
	c.Replies += o.Replies
	c.Errors += o.Errors
	c.Lost += o.Lost
	c.Late += o.Late
	c.MessagesSent += o.MessagesSent
	c.MessagesAcked += o.MessagesAcked
	c.FanoutExpected += o.FanoutExpected
	c.FanoutDelivered += o.FanoutDelivered
	c.FanoutLost += o.FanoutLost
	c.FanoutRecovered += o.FanoutRecovered
	c.Duplicates += o.Duplicates
	c.OutOfOrder += o.OutOfOrder
	c.Unmatched += o.Unmatched
	c.Resynced += o.Resynced
	c.ErrorsByCode = addMap(c.ErrorsByCode, o.ErrorsByCode)
	c.RequestsByRole = addMap(c.RequestsByRole, o.RequestsByRole)
}

func addMap(dst, src map[string]int64) map[string]int64 {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]int64, len(src))
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

// ErrorRate is the contract's error_rate (D12): failed operations (error replies, lost
// replies, failed connects) over attempted operations (requests plus connect attempts).
func (c *Counts) ErrorRate() float64 {
	den := c.Requests + c.ConnectAttempts
	if den == 0 {
		return 0
	}
	return float64(c.Errors+c.Lost+c.ConnectFailed) / float64(den)
}

// FanoutLossRate is lost deliveries over expected ones.
func (c *Counts) FanoutLossRate() float64 {
	if c.FanoutExpected == 0 {
		return 0
	}
	return float64(c.FanoutLost) / float64(c.FanoutExpected)
}

// Clone returns a deep copy.
func (c *Counts) Clone() Counts {
	out := *c
	out.ErrorsByCode, out.RequestsByRole = nil, nil
	out.ErrorsByCode = addMap(nil, c.ErrorsByCode)
	out.RequestsByRole = addMap(nil, c.RequestsByRole)
	return out
}
