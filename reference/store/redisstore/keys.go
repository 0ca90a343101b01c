package redisstore

import "strings"

// keys builds the Redis keys. Components are escaped (% and : become %25 and
// %3A), so "a:b"+"c" and "a"+"b:c" never meet.
type keys struct{ prefix string }

var escaper = strings.NewReplacer("%", "%25", ":", "%3A")

func esc(s string) string { return escaper.Replace(s) }

func (k keys) join(kind string, parts ...string) string {
	var b strings.Builder
	b.WriteString(k.prefix)
	b.WriteString(kind)
	for _, p := range parts {
		b.WriteByte(':')
		b.WriteString(esc(p))
	}
	return b.String()
}

// conv is a hash: doc (JSON without the fields below), seq, upd, ver, last
// (the last message's doc) and lastKey (its message key).
func (k keys) conv(tenant, id string) string { return k.join("conv", tenant, id) }

// members is the set of a conversation's member users.
func (k keys) members(tenant, id string) string { return k.join("mem", tenant, id) }

// of is the set of a user's conversation ids.
func (k keys) of(tenant, user string) string { return k.join("of", tenant, user) }

// reads is a hash of a conversation's read marks by user.
func (k keys) reads(tenant, id string) string { return k.join("rd", tenant, id) }

// msg is a hash: doc (the message JSON at append time), seq, st, da, ra
// (status, delivered and read times) and sidKey.
func (k keys) msg(tenant, id string) string { return k.join("msg", tenant, id) }

// index is a sorted set of a conversation's retained message keys by seq.
func (k keys) index(tenant, id string) string { return k.join("idx", tenant, id) }

// dedup is a hash (key, fp, doc, seq, st) living for the dedup ttl.
func (k keys) dedup(tenant, messageID string) string { return k.join("dd", tenant, messageID) }

// sid maps a Twilio sid to its message key.
func (k keys) sid(sid string) string { return k.join("sid", sid) }

// expel holds the unix-nanosecond time of a user's expulsion.
func (k keys) expel(tenant, user string) string { return k.join("ex", tenant, user) }

// sockets is a hash of one user's sockets: socket -> escaped instance.
func (k keys) sockets(tenant, user string) string { return k.join("pr:s", tenant, user) }

// online is a hash of a tenant's online users: user -> entry JSON.
func (k keys) online(tenant string) string { return k.join("pr:on", tenant) }

// instPrefix, beatPrefix: followed by an escaped instance name, the set of
// that instance's sockets and its heartbeat key (which expires when the
// instance stops heart-beating).
func (k keys) instPrefix() string { return k.prefix + "pr:i:" }
func (k keys) beatPrefix() string { return k.prefix + "pr:hb:" }

// instances is the set of escaped names of instances that hold sockets.
func (k keys) instances() string { return k.prefix + "pr:insts" }
