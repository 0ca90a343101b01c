package redistest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/wait"
)

// containerBackend runs redis-server in a Docker container with host
// networking, so Redis listens on the host's 127.0.0.1 and there are no
// port mappings to wait for.
type containerBackend struct {
	c      *testcontainers.DockerContainer
	docker *testcontainers.DockerClient
}

// dockerProbe is the result of asking Docker whether it runs and has the image.
type dockerProbe struct {
	docker       *testcontainers.DockerClient
	imagePresent bool
	err          error // Docker does not answer
}

func (p dockerProbe) close() {
	if p.docker != nil {
		_ = p.docker.Close()
	}
}

// probeDocker asks Docker, through testcontainers-go's own client (which
// finds the socket the same way Run will), whether it answers and whether
// image is present locally.
func probeDocker(ctx context.Context, image string) dockerProbe {
	disableRyukUnlessSet()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	docker, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return dockerProbe{err: err}
	}
	if _, err := docker.Ping(ctx, client.PingOptions{}); err != nil {
		_ = docker.Close()
		return dockerProbe{err: err}
	}
	_, err = docker.ImageInspect(ctx, image)
	return dockerProbe{docker: docker, imagePresent: err == nil}
}

// disableRyukUnlessSet sets TESTCONTAINERS_RYUK_DISABLED=true when it is
// not set at all. testcontainers-go otherwise pulls its Ryuk image before
// the first container, which fails on machines without a registry
// ("create container: reaper: new reaper: ..."). This package removes its
// own leftovers instead (see removeOrphans). testcontainers-go reads its
// configuration once per process, so this only helps when redistest is the
// first to use testcontainers-go; an explicit setting, true or false, wins.
func disableRyukUnlessSet() {
	const name = "TESTCONTAINERS_RYUK_DISABLED"
	if _, ok := os.LookupEnv(name); !ok {
		_ = os.Setenv(name, "true")
	}
}

// startContainer starts image on a free port, trying another port if the
// first one was taken meanwhile. It owns probe.docker from here on.
func startContainer(ctx context.Context, cfg Config, probe dockerProbe) (backend, string, error) {
	removeOrphans(ctx, probe.docker)
	if !probe.imagePresent {
		// Pull once here: testcontainers-go retries a failed pull with
		// backoff until ctx ends, which only delays the answer where no
		// registry is reachable.
		if err := pullImage(ctx, probe.docker, cfg.Image); err != nil {
			probe.close()
			return nil, "", fmt.Errorf("%w: image %s is not present and pulling it failed (%v); build it with deploy/redis-image/build.sh",
				ErrUnavailable, cfg.Image, err)
		}
	}
	var logger tclog.Logger = tclog.NewNoopLogger()
	if cfg.Debug {
		logger = tclog.Default()
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			probe.close()
			return nil, "", fmt.Errorf("redistest: %w", err)
		}
		c, err := testcontainers.Run(ctx, cfg.Image,
			testcontainers.WithLogger(logger),
			testcontainers.WithCmd("redis-server",
				"--bind", "127.0.0.1",
				"--port", strconv.Itoa(port),
				"--save", "",
				"--appendonly", "no"),
			testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
				hc.NetworkMode = "host"
			}),
			testcontainers.WithLabels(ownerLabels()),
			testcontainers.WithWaitStrategy(wait.ForLog("Ready to accept connections").
				WithPollInterval(20*time.Millisecond).
				WithStartupTimeout(60*time.Second)),
		)
		if err == nil {
			return &containerBackend{c: c, docker: probe.docker}, net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
		}
		logs := containerLogs(ctx, c)
		// Run returns the container on most errors: remove it.
		_ = testcontainers.TerminateContainer(c)
		if !isAddrInUse(logs) || attempt == 2 {
			probe.close()
			return nil, "", fmt.Errorf("redistest: run %s: %w\n%s", cfg.Image, err, lastLines(logs, 5))
		}
	}
}

// pullImage pulls image once and waits for the pull to finish.
func pullImage(ctx context.Context, docker *testcontainers.DockerClient, image string) error {
	res, err := docker.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer res.Close()
	return res.Wait(ctx)
}

// containerLogs returns what the container printed, or "" when it cannot.
func containerLogs(ctx context.Context, c *testcontainers.DockerContainer) string {
	if c == nil {
		return ""
	}
	rc, err := c.Logs(ctx)
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	return string(b)
}

func (b *containerBackend) kind() Backend { return BackendContainer }

func (b *containerBackend) pause(ctx context.Context) error {
	_, err := b.docker.ContainerPause(ctx, b.c.GetContainerID(), client.ContainerPauseOptions{})
	return err
}

func (b *containerBackend) unpause(ctx context.Context) error {
	_, err := b.docker.ContainerUnpause(ctx, b.c.GetContainerID(), client.ContainerUnpauseOptions{})
	return err
}

func (b *containerBackend) stop(ctx context.Context) error {
	grace := stopGrace
	return b.c.Stop(ctx, &grace)
}

// start starts the stopped container. testcontainers-go reruns the log
// wait strategy, which passes at once on the previous run's "Ready" line,
// so Redis.Start waits for a PING afterwards.
func (b *containerBackend) start(ctx context.Context) error {
	return b.c.Start(ctx)
}

func (b *containerBackend) alive(ctx context.Context) error {
	st, err := b.c.State(ctx)
	if err != nil {
		return err
	}
	if !st.Running {
		return fmt.Errorf("container %.12s is %s (exit code %d)\n%s",
			b.c.GetContainerID(), st.Status, st.ExitCode, lastLines(containerLogs(ctx, b.c), 5))
	}
	return nil
}

func (b *containerBackend) close(ctx context.Context) error {
	err := b.c.Terminate(ctx)
	return errors.Join(err, b.docker.Close())
}

// Labels on every container this package starts, so that containers left
// behind by a test binary that died before Close (a panic, a -timeout
// kill; Ryuk is disabled here) can be found and removed.
const (
	labelOwner = "org.utalk.redistest"
	labelHost  = "org.utalk.redistest.host"
	labelPID   = "org.utalk.redistest.pid"
)

func ownerLabels() map[string]string {
	host, _ := os.Hostname()
	return map[string]string{
		labelOwner: "1",
		labelHost:  host,
		labelPID:   strconv.Itoa(os.Getpid()),
	}
}

// removeOrphans removes containers started by this package on this host
// by a process that no longer exists. Errors are ignored: it only tidies.
func removeOrphans(ctx context.Context, docker *testcontainers.DockerClient) {
	host, _ := os.Hostname()
	res, err := docker.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", labelOwner+"=1", labelHost+"="+host),
	})
	if err != nil {
		return
	}
	for _, c := range res.Items {
		pid, err := strconv.Atoi(c.Labels[labelPID])
		if err != nil || pid == os.Getpid() || processExists(pid) {
			continue
		}
		_, _ = docker.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	}
}
