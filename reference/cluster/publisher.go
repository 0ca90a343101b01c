package cluster

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// publisher is the Redis client the Socket.IO adapter publishes through.
// The adapter publishes before it delivers locally and waits for the
// answer (facts note, item 5); publisher answers at once and publishes from
// one goroutine, in order, in pipelined batches, so local delivery never
// waits on Redis. While Redis is unreachable, or the queue is full,
// broadcasts to other instances are dropped, not queued (D11). Each
// broadcast is published at most once: the clients never retry a command.
type publisher struct {
	*redis.Client // every other command the adapter uses goes straight through
	c             *Cluster
	q             chan pubMsg
}

type pubMsg struct {
	channel string
	message any
}

// maxBatch bounds one pipelined batch of publishes.
const maxBatch = 256

func newPublisher(c *Cluster) *publisher {
	return &publisher{Client: c.data, c: c, q: make(chan pubMsg, c.opts.PublishQueue)}
}

// Publish queues the message and returns at once with a zero receiver count.
func (p *publisher) Publish(_ context.Context, channel string, message any) *redis.IntCmd {
	if !p.c.health.link.Load() {
		p.c.stats.publishDropped.Add(1)
		return redis.NewIntResult(0, nil)
	}
	select {
	case p.q <- pubMsg{channel, message}:
	default:
		p.c.stats.publishDropped.Add(1)
	}
	return redis.NewIntResult(0, nil)
}

// PubSubNumSub (the adapter's server count, for cross-instance requests)
// fails fast while Redis is unreachable and is bounded by OpTimeout otherwise.
func (p *publisher) PubSubNumSub(ctx context.Context, channels ...string) *redis.MapStringIntCmd {
	if !p.c.health.link.Load() {
		return redis.NewMapStringIntCmdResult(nil, ErrDegraded)
	}
	ctx, cancel := context.WithTimeout(ctx, p.c.opts.OpTimeout)
	defer cancel()
	return p.Client.PubSubNumSub(ctx, channels...)
}

// run publishes the queue until the Cluster closes.
func (p *publisher) run() {
	defer p.c.wg.Done()
	batch := make([]pubMsg, 0, maxBatch)
	for {
		select {
		case <-p.c.ctx.Done():
			return
		case m := <-p.q:
			batch = append(batch[:0], m)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case m := <-p.q:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		p.publish(batch)
	}
}

func (p *publisher) publish(batch []pubMsg) {
	if !p.c.health.link.Load() {
		p.c.stats.publishDropped.Add(int64(len(batch)))
		return
	}
	ctx, cancel := context.WithTimeout(p.c.ctx, p.c.opts.OpTimeout)
	defer cancel()
	var err error
	if len(batch) == 1 {
		err = p.Client.Publish(ctx, batch[0].channel, batch[0].message).Err()
	} else {
		_, err = p.Client.Pipelined(ctx, func(pl redis.Pipeliner) error {
			for _, m := range batch {
				pl.Publish(ctx, m.channel, m.message)
			}
			return nil
		})
	}
	if err != nil {
		p.c.stats.publishErrors.Add(int64(len(batch)))
		if unavailable(err) && p.c.ctx.Err() == nil {
			p.c.markDown(err)
		}
		return
	}
	p.c.stats.published.Add(int64(len(batch)))
}
