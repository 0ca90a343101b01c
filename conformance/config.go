package conformance

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvTarget       = "TARGET"        // base URL of the implementation; empty: the built-in reference
	EnvSIOPath      = "SIO_PATH"      // Socket.IO path; empty: the contract's transport.path
	EnvCAFile       = "CA_FILE"       // PEM CA bundle for https/wss targets
	EnvInsecureTLS  = "INSECURE_TLS"  // 1: skip TLS verification
	EnvHeaders      = "HEADERS"       // extra handshake headers "K: V; K2: V2"
	EnvControlURL   = "CONTROL_URL"   // base URL of the control surface
	EnvControlToken = "CONTROL_TOKEN" // bearer token of the control surface
	EnvContract     = "CONTRACT"      // contract file; empty: the embedded one
	EnvStrict       = "STRICT"        // 1: Missing counts as failure
	EnvWaivers      = "WAIVERS"       // waiver file (YAML)
	EnvReportDir    = "REPORT_DIR"    // where reports go; default reports/conformance
	EnvRunID        = "RUN_ID"        // run id stamped on the reports; default generated
	// EnvInstances lists further instances of an external target, comma-separated base
	// URLs sharing TARGET's Redis: with one, the multi-instance specs run.
	EnvInstances = "TARGET_INSTANCES"
	// EnvRedisProxyListen and EnvRedisUpstream let the adapter specs fault an external
	// target's Redis: the suite listens on REDIS_PROXY_LISTEN (host:port; configure the
	// target's instances to use it as their Redis) and forwards to REDIS_UPSTREAM
	// (host:port of the real Redis). Both or neither.
	EnvRedisProxyListen = "REDIS_PROXY_LISTEN"
	EnvRedisUpstream    = "REDIS_UPSTREAM"
)

// DefaultReportDir is where reports go, relative to the module root when the suite runs
// inside the module (go test changes into the package directory), else to the working
// directory.
const DefaultReportDir = "reports/conformance"

// ErrConfig is wrapped by every configuration error; the conform command maps it to the
// contract's usage exit code.
var ErrConfig = errors.New("configuration error")

// Config is the suite's configuration, from the environment.
type Config struct {
	// Target is the base URL (http, https, ws or wss) of the implementation; empty means
	// the suite starts the reference server in-process.
	Target       string
	SIOPath      string
	CAFile       string
	InsecureTLS  bool
	Headers      http.Header
	ControlURL   string
	ControlToken string
	ContractPath string
	Strict       bool
	WaiversFile  string
	ReportDir    string
	RunID        string
	// Instances are further base URLs of an external target (TARGET_INSTANCES).
	Instances []string
	// RedisProxyListen and RedisUpstream are host:port (REDIS_PROXY_LISTEN,
	// REDIS_UPSTREAM); empty when the suite cannot fault the target's Redis.
	RedisProxyListen string
	RedisUpstream    string
	// Getenv is the environment the config was read from (token sources read it too).
	Getenv func(string) string
}

// Builtin reports whether the suite starts its own target.
func (c Config) Builtin() bool { return c.Target == "" }

// ConfigFromEnv reads and checks the configuration. Errors wrap ErrConfig.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Target:       strings.TrimRight(strings.TrimSpace(getenv(EnvTarget)), "/"),
		SIOPath:      getenv(EnvSIOPath),
		CAFile:       getenv(EnvCAFile),
		InsecureTLS:  truthy(getenv(EnvInsecureTLS)),
		ControlURL:   strings.TrimRight(strings.TrimSpace(getenv(EnvControlURL)), "/"),
		ControlToken: getenv(EnvControlToken),
		ContractPath: getenv(EnvContract),
		Strict:       truthy(getenv(EnvStrict)),
		WaiversFile:  getenv(EnvWaivers),
		ReportDir:    getenv(EnvReportDir),
		RunID:        getenv(EnvRunID),
		Getenv:       getenv,

		RedisProxyListen: strings.TrimSpace(getenv(EnvRedisProxyListen)),
		RedisUpstream:    strings.TrimSpace(getenv(EnvRedisUpstream)),
	}
	for _, u := range strings.Split(getenv(EnvInstances), ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			c.Instances = append(c.Instances, u)
		}
	}
	h, err := ParseHeaders(getenv(EnvHeaders))
	if err != nil {
		return c, err
	}
	c.Headers = h
	urls := [][2]string{{EnvTarget, c.Target}, {EnvControlURL, c.ControlURL}}
	for _, u := range c.Instances {
		urls = append(urls, [2]string{EnvInstances, u})
	}
	for _, nu := range urls {
		if err := checkURL(nu[0], nu[1]); err != nil {
			return c, err
		}
	}
	if len(c.Instances) > 0 && c.Target == "" {
		return c, fmt.Errorf("%w: %s needs %s: the built-in target starts its own instances", ErrConfig, EnvInstances, EnvTarget)
	}
	if (c.RedisProxyListen == "") != (c.RedisUpstream == "") {
		return c, fmt.Errorf("%w: set both %s and %s, or neither", ErrConfig, EnvRedisProxyListen, EnvRedisUpstream)
	}
	for name, a := range map[string]string{EnvRedisProxyListen: c.RedisProxyListen, EnvRedisUpstream: c.RedisUpstream} {
		if a == "" {
			continue
		}
		if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
			return c, fmt.Errorf("%w: %s=%q: want host:port", ErrConfig, name, a)
		}
	}
	if c.RedisProxyListen != "" && c.Target == "" {
		return c, fmt.Errorf("%w: %s is for an external TARGET: the built-in target faults a Redis of its own", ErrConfig, EnvRedisProxyListen)
	}
	if c.SIOPath != "" && !strings.HasPrefix(c.SIOPath, "/") {
		return c, fmt.Errorf("%w: %s=%q: must start with /", ErrConfig, EnvSIOPath, c.SIOPath)
	}
	if c.CAFile != "" {
		if _, err := os.Stat(c.CAFile); err != nil {
			return c, fmt.Errorf("%w: %s: %v", ErrConfig, EnvCAFile, err)
		}
	}
	if c.ReportDir == "" {
		c.ReportDir = defaultReportDir()
	}
	return c, nil
}

func checkURL(name, u string) error {
	if u == "" {
		return nil
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return fmt.Errorf("%w: %s=%q: want an absolute URL", ErrConfig, name, u)
	}
	switch p.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return fmt.Errorf("%w: %s=%q: scheme must be http, https, ws or wss", ErrConfig, name, u)
	}
	return nil
}

// ParseHeaders parses "K: V; K2: V2".
func ParseHeaders(s string) (http.Header, error) {
	h := http.Header{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%w: %s: %q is not \"Name: value\"", ErrConfig, EnvHeaders, part)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, nil
}

// Settings are the configuration values stamped on the reports (never secrets).
func (c Config) Settings() map[string]string {
	s := map[string]string{
		EnvTarget: c.Target, EnvSIOPath: c.SIOPath, EnvCAFile: c.CAFile, EnvControlURL: c.ControlURL,
		EnvContract: c.ContractPath, EnvWaivers: c.WaiversFile, EnvReportDir: c.ReportDir,
		EnvInsecureTLS: boolString(c.InsecureTLS), EnvStrict: boolString(c.Strict),
		EnvInstances: strings.Join(c.Instances, ","), EnvRedisProxyListen: c.RedisProxyListen, EnvRedisUpstream: c.RedisUpstream,
	}
	if c.Target == "" {
		s[EnvTarget] = "(built-in reference server)"
	}
	names := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		names = append(names, k)
	}
	s[EnvHeaders] = strings.Join(names, ",")
	for _, k := range []string{"JWT_SECRET", "TOKEN_CMD", EnvControlToken} {
		if c.Getenv != nil && c.Getenv(k) != "" {
			s[k] = "(set)"
		}
	}
	return s
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// defaultReportDir resolves DefaultReportDir against the module root above the working
// directory, so `go test ./conformance` and `rtconform conform` write to the same place.
func defaultReportDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return DefaultReportDir
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, DefaultReportDir)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return DefaultReportDir
		}
		d = parent
	}
}
