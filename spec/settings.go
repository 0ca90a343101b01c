package spec

import "time"

// Transport holds the Engine.IO / Socket.IO server settings of the contract.
type Transport struct {
	Path              string   `yaml:"path" json:"path"`
	Transports        []string `yaml:"transports" json:"transports"`
	AllowUpgrades     bool     `yaml:"allowUpgrades" json:"allowUpgrades"`
	PingIntervalMs    int      `yaml:"pingIntervalMs" json:"pingIntervalMs"`
	PingTimeoutMs     int      `yaml:"pingTimeoutMs" json:"pingTimeoutMs"`
	UpgradeTimeoutMs  int      `yaml:"upgradeTimeoutMs" json:"upgradeTimeoutMs"`
	ConnectTimeoutMs  int      `yaml:"connectTimeoutMs" json:"connectTimeoutMs"`
	MaxHTTPBufferSize int64    `yaml:"maxHttpBufferSize" json:"maxHttpBufferSize"`
}

// PingInterval is the Engine.IO ping interval.
func (t Transport) PingInterval() time.Duration { return ms(t.PingIntervalMs) }

// PingTimeout is the Engine.IO ping timeout.
func (t Transport) PingTimeout() time.Duration { return ms(t.PingTimeoutMs) }

// UpgradeTimeout is the Engine.IO upgrade timeout.
func (t Transport) UpgradeTimeout() time.Duration { return ms(t.UpgradeTimeoutMs) }

// ConnectTimeout is the client's connect timeout.
func (t Transport) ConnectTimeout() time.Duration { return ms(t.ConnectTimeoutMs) }

// Handshake describes the JWT handshake.
type Handshake struct {
	AuthField       string   `yaml:"authField" json:"authField"`
	Algorithm       string   `yaml:"algorithm" json:"algorithm"`
	RequiredClaims  []string `yaml:"requiredClaims" json:"requiredClaims"`
	OptionalClaims  []string `yaml:"optionalClaims" json:"optionalClaims"`
	TokenTTLSeconds int      `yaml:"tokenTtlSeconds" json:"tokenTtlSeconds"`
	AuthTimeoutMs   int      `yaml:"authTimeoutMs" json:"authTimeoutMs"`
	ConnectErrors   []Code   `yaml:"connectErrors" json:"connectErrors"`
}

// TokenTTL is the lifetime of an access token.
func (h Handshake) TokenTTL() time.Duration { return time.Duration(h.TokenTTLSeconds) * time.Second }

// Check is one step of the order in which a client event is checked.
type Check struct {
	Check       string `yaml:"check" json:"check"`
	Code        Code   `yaml:"code" json:"code"`
	Description string `yaml:"description" json:"description"`
}

// RateLimitPolicy is the contract's rate-limit scheme.
type RateLimitPolicy struct {
	Scope        string `yaml:"scope" json:"scope"`
	Algorithm    string `yaml:"algorithm" json:"algorithm"`
	WindowMs     int    `yaml:"windowMs" json:"windowMs"`
	DefaultLimit int    `yaml:"defaultLimit" json:"defaultLimit"`
}

// Limits are the size, count and time limits of the contract.
type Limits struct {
	MaxPayloadBytes       int `yaml:"maxPayloadBytes" json:"maxPayloadBytes"`
	MaxUsersPerRoom       int `yaml:"maxUsersPerRoom" json:"maxUsersPerRoom"`
	MaxMessagesPerRoom    int `yaml:"maxMessagesPerRoom" json:"maxMessagesPerRoom"`
	MaxConnectionsPerUser int `yaml:"maxConnectionsPerUser" json:"maxConnectionsPerUser"`
	MaxTextLength         int `yaml:"maxTextLength" json:"maxTextLength"`
	TypingTimeoutMs       int `yaml:"typingTimeoutMs" json:"typingTimeoutMs"`
	ReplyTimeoutMs        int `yaml:"replyTimeoutMs" json:"replyTimeoutMs"`
	DedupTTLSeconds       int `yaml:"dedupTtlSeconds" json:"dedupTtlSeconds"`
	ExpulsionTTLSeconds   int `yaml:"expulsionTtlSeconds" json:"expulsionTtlSeconds"`
	SyncPageDefault       int `yaml:"syncPageDefault" json:"syncPageDefault"`
	SyncPageMax           int `yaml:"syncPageMax" json:"syncPageMax"`
	OutboundBufferPackets int `yaml:"outboundBufferPackets" json:"outboundBufferPackets"`
	PresenceTTLSeconds    int `yaml:"presenceTtlSeconds" json:"presenceTtlSeconds"`
}

// TypingTimeout is how long typing lasts without a renewal.
func (l Limits) TypingTimeout() time.Duration { return ms(l.TypingTimeoutMs) }

// ReplyTimeout is how long a client waits for a reply before it counts it lost.
func (l Limits) ReplyTimeout() time.Duration { return ms(l.ReplyTimeoutMs) }

// DedupTTL is how long an idempotency key is remembered.
func (l Limits) DedupTTL() time.Duration { return time.Duration(l.DedupTTLSeconds) * time.Second }

// ExpulsionTTL is how long an expulsion refuses the user's older tokens.
func (l Limits) ExpulsionTTL() time.Duration {
	return time.Duration(l.ExpulsionTTLSeconds) * time.Second
}

// PresenceTTL is how long an instance's presence entries live without a refresh.
func (l Limits) PresenceTTL() time.Duration {
	return time.Duration(l.PresenceTTLSeconds) * time.Second
}

// ExitCodes are the exit statuses every tool of the project uses.
type ExitCodes struct {
	Pass               int `yaml:"pass" json:"pass"`
	ConformanceFailed  int `yaml:"conformanceFailed" json:"conformanceFailed"`
	Usage              int `yaml:"usage" json:"usage"`
	Unreachable        int `yaml:"unreachable" json:"unreachable"`
	ThresholdsBreached int `yaml:"thresholdsBreached" json:"thresholdsBreached"`
}

// TokenCommand describes TOKEN_CMD: a command run with Variables in its environment
// that prints one token on stdout.
type TokenCommand struct {
	Env       string   `yaml:"env" json:"env"`
	Variables []string `yaml:"variables" json:"variables"`
	Output    string   `yaml:"output" json:"output"`
}

// Control names the optional HTTP control surface.
type Control struct {
	Document string `yaml:"document" json:"document"`
	Env      string `yaml:"env" json:"env"`
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }
