package loadbench

import (
	"context"
	"path/filepath"
	"strconv"
	"time"

	"github.com/utalk/rtconform/bench"
)

// server is a server under test and the URL clients use.
type server struct {
	*process
	url string
}

// startNodeServer starts bench/node/server.js on a free loopback port, with a config
// written into dir under tag.
func startNodeServer(ctx context.Context, o *Options, secret, dir, tag string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, tag+"-node-config.json")
	if err := bench.WriteNodeConfig(cfgPath, o.Contract, port, secret, o.namespace()); err != nil {
		return nil, err
	}
	script, err := filepath.Abs(filepath.Join(o.NodeServerDir, "server.js"))
	if err != nil {
		return nil, err
	}
	p, err := startProcess("node server ("+tag+")", []string{o.Node, script}, []string{"BENCH_CONFIG=" + cfgPath},
		"", filepath.Join(dir, tag+"-node-server.log"))
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if err := p.waitListen(ctx, addr, 30*time.Second); err != nil {
		return nil, err
	}
	return &server{process: p, url: "http://" + addr}, nil
}
