package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/spec"
)

// Target is the implementation under test, as the specs see it.
type Target struct {
	// Name describes the target in reports: its URL, or the built-in set-up.
	Name string
	// Instances are the base URLs (http or https) of the instances; a spec that needs two
	// instances uses Instances[0] and Instances[1]. Instances[0] is the default.
	Instances []string
	SIOPath   string
	TLS       *tls.Config
	Headers   http.Header
	// ControlURL is the base URL of the control surface; empty when the target has none.
	ControlURL   string
	ControlToken string
	Tokens       token.Source
	Contract     *spec.Contract
	// RateWindow is the rate-limit window the target applies: short for the built-in
	// target, the contract's for an external one.
	RateWindow time.Duration
	// Builtin is true when the suite started the target itself.
	Builtin bool
	// Redis is the Redis the built-in instances share, nil when they run in memory.
	Redis *redistest.Redis
	// Lacks maps a requirement (spec.Requires...) the target cannot meet to the reason.
	Lacks map[string]string
	// RedisFault faults the Redis of an external target's instances (REDIS_PROXY_LISTEN,
	// REDIS_UPSTREAM); nil for the built-in target, whose redis-fault specs start a
	// fault cluster of their own (StartFaultCluster).
	RedisFault *RedisFault

	builtin BuiltinOptions
	stop    func(context.Context) error
}

// Missing returns the reason the target cannot meet requirement req, or "".
func (t *Target) Missing(req string) string { return t.Lacks[req] }

// URL returns the base URL of instance i.
func (t *Target) URL(i int) string { return t.Instances[i%len(t.Instances)] }

// Stop stops a built-in target; it does nothing for an external one.
func (t *Target) Stop(ctx context.Context) error {
	if t.stop == nil {
		return nil
	}
	return t.stop(ctx)
}

// HTTPClient returns a client that trusts what the target's TLS settings say.
func (t *Target) HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = t.TLS
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// externalTarget describes a TARGET given by the environment.
func externalTarget(cfg Config, c *spec.Contract) (*Target, error) {
	tokens, err := token.FromEnv(cfg.Getenv)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	tlsCfg, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	base := httpBase(cfg.Target)
	t := &Target{
		Name: cfg.Target, Instances: []string{base}, SIOPath: sioPath(cfg, c), TLS: tlsCfg,
		Headers: cfg.Headers, ControlURL: httpBase(cfg.ControlURL), ControlToken: cfg.ControlToken,
		Tokens: tokens, Contract: c, RateWindow: c.ByRole(spec.SendMessage).RateLimit.Window,
		Lacks: map[string]string{},
	}
	for _, u := range cfg.Instances {
		t.Instances = append(t.Instances, httpBase(u))
	}
	if t.ControlURL == "" {
		t.Lacks[spec.RequiresControl] = EnvControlURL + " is not set"
	}
	if len(t.Instances) < 2 {
		t.Lacks[spec.RequiresMultiInstance] = "an external TARGET is one instance to the suite; list the others in " + EnvInstances
	}
	switch {
	case cfg.RedisProxyListen == "":
		t.Lacks[spec.RequiresRedisFault] = "the suite cannot fault an external target's Redis: set " + EnvRedisProxyListen + " and " + EnvRedisUpstream
	case len(t.Instances) < 2:
		t.Lacks[spec.RequiresRedisFault] = "the adapter specs need two instances: list the others in " + EnvInstances
	case process != 1:
		// Only one process can listen on REDIS_PROXY_LISTEN; the adapter specs are
		// Serial, so Ginkgo runs them on process 1.
		t.Lacks[spec.RequiresRedisFault] = "the Redis proxy runs in parallel process 1"
	default:
		f, err := NewRedisFault(cfg.RedisProxyListen, cfg.RedisUpstream)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvRedisProxyListen, err)
		}
		t.RedisFault = f
		t.stop = func(context.Context) error { return f.Close() }
	}
	return t, nil
}

func sioPath(cfg Config, c *spec.Contract) string {
	if cfg.SIOPath != "" {
		return cfg.SIOPath
	}
	return c.Transport.Path
}

// httpBase turns a ws/wss base URL into the http/https one the clients dial.
func httpBase(u string) string {
	switch {
	case strings.HasPrefix(u, "ws://"):
		return "http://" + strings.TrimPrefix(u, "ws://")
	case strings.HasPrefix(u, "wss://"):
		return "https://" + strings.TrimPrefix(u, "wss://")
	}
	return u
}

func tlsConfig(cfg Config) (*tls.Config, error) {
	if cfg.CAFile == "" && !cfg.InsecureTLS {
		return nil, nil
	}
	t := &tls.Config{InsecureSkipVerify: cfg.InsecureTLS} //nolint:gosec // explicit INSECURE_TLS=1
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrConfig, EnvCAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: %s: no PEM certificate found", ErrConfig, EnvCAFile)
		}
		t.RootCAs = pool
	}
	return t, nil
}

// ErrUnreachable is wrapped when the target does not answer the Engine.IO handshake.
var ErrUnreachable = fmt.Errorf("target unreachable")

// CheckReachable asks every instance for an Engine.IO polling handshake and fails with a
// message that says what was tried and what came back.
func (t *Target) CheckReachable(ctx context.Context) error {
	hc := t.HTTPClient()
	for _, base := range t.Instances {
		u := base + t.SIOPath + "?EIO=4&transport=polling"
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrUnreachable, u, err)
		}
		for k, vs := range t.Headers {
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
		resp, err := hc.Do(req)
		if err != nil {
			return fmt.Errorf("%w: GET %s: %v (is the server running, is %s right?)", ErrUnreachable, u, err, EnvTarget)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%w: GET %s: HTTP %d, want 200 and an Engine.IO open packet (is %s right?)", ErrUnreachable, u, resp.StatusCode, EnvSIOPath)
		}
	}
	return nil
}

// ReachWait is how long the suite waits for an external target whose Redis goes
// through the suite's proxy (REDIS_PROXY_LISTEN): such a target can only start once
// the suite listens, so it is usually started right after the suite.
const ReachWait = 60 * time.Second

// WaitReachable is CheckReachable, retried every 250 ms for up to within.
func (t *Target) WaitReachable(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		err := t.CheckReachable(ctx)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// hostOf returns host:port of a base URL.
func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	return u.Host
}

// OpenTarget returns the target the configuration names: the external TARGET, or the
// built-in reference server started in-process (ErrNoBuiltin when none is linked in).
func OpenTarget(ctx context.Context, cfg Config, c *spec.Contract) (*Target, error) {
	if cfg.Builtin() {
		return builtinTarget(ctx, cfg, c)
	}
	return externalTarget(cfg, c)
}

// WaitRedisOK waits until every instance's health report says redis ok, for up to
// within: an external target behind the suite's Redis proxy cannot reach Redis before
// the suite listens, and runs standalone until it reconnects.
func (t *Target) WaitRedisOK(ctx context.Context, within time.Duration) error {
	deadline := time.Now().Add(within)
	for i, base := range t.Instances {
		obs := &Control{base: base, hc: t.HTTPClient(), doc: spec.DefaultControl()}
		for {
			var status any
			resp, err := obs.Health(ctx)
			if err == nil {
				r, _ := resp.JSON["redis"].(map[string]any)
				if status = r["status"]; status == "ok" {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%w: instance %d (%s) does not report redis ok after %v (redis %v, err %v)", ErrUnreachable, i, base, within, status, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(250 * time.Millisecond):
			}
		}
	}
	return nil
}
