package loadbench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, 100 on every Linux this runs on.
const clockTick = 10 * time.Millisecond

// procStat is what /proc/PID/stat says of one process.
type procStat struct {
	pid, ppid int
	// cpu is utime+stime+cutime+cstime: the process's own threads and its reaped
	// children; sys is the kernel's part of it (stime+cstime).
	cpu, sys time.Duration
}

// readStat parses /proc/PID/stat.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	return parseStat(b)
}

// parseStat parses the text of a /proc/PID/stat file.
func parseStat(b []byte) (procStat, error) {
	// The command name (field 2) may hold spaces and parens: cut at the last ')'.
	i := bytes.LastIndexByte(b, ')')
	j := bytes.IndexByte(b, ' ')
	if i < 0 || j < 0 || j > i || i+2 > len(b) {
		return procStat{}, fmt.Errorf("loadbench: cannot parse stat %q", truncate(string(b), 60))
	}
	pid, err := strconv.Atoi(string(b[:j]))
	if err != nil {
		return procStat{}, fmt.Errorf("loadbench: stat pid: %w", err)
	}
	// Fields from 3 (state) on; ppid is field 4, utime..cstime are fields 14..17.
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("loadbench: stat of %d has %d fields", pid, len(f))
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return procStat{}, fmt.Errorf("loadbench: stat ppid: %w", err)
	}
	var t [4]int64 // utime, stime, cutime, cstime
	for i, s := range f[11:15] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return procStat{}, fmt.Errorf("loadbench: stat times: %w", err)
		}
		t[i] = n
	}
	return procStat{pid: pid, ppid: ppid, cpu: time.Duration(t[0]+t[1]+t[2]+t[3]) * clockTick,
		sys: time.Duration(t[1]+t[3]) * clockTick}, nil
}

// treeCPU is the CPU time of root and every live descendant, each with its reaped
// children: the whole client, whatever it forks (Artillery's workers, npx shims).
// A live process's time is in no one's cutime yet, so nothing counts twice.
func treeCPU(root int) (cpu, sys time.Duration, err error) {
	all, err := allStats()
	if err != nil {
		return 0, 0, err
	}
	children := map[int][]int{}
	var rootStat *procStat
	for i := range all {
		children[all[i].ppid] = append(children[all[i].ppid], all[i].pid)
		if all[i].pid == root {
			rootStat = &all[i]
		}
	}
	if rootStat == nil {
		return 0, 0, fmt.Errorf("loadbench: no process %d", root)
	}
	byPid := make(map[int]procStat, len(all))
	for _, s := range all {
		byPid[s.pid] = s
	}
	stack := []int{root}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cpu += byPid[p].cpu
		sys += byPid[p].sys
		stack = append(stack, children[p]...)
	}
	return cpu, sys, nil
}

func allStats() ([]procStat, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var out []procStat
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		if s, err := parseStat(b); err == nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// Memory is a process's resident memory, from /proc/PID/status.
type Memory struct {
	// RSS is VmRSS now; Peak is VmHWM, the highest RSS since the process started.
	RSS  int64 `json:"rssBytes"`
	Peak int64 `json:"peakRssBytes"`
}

// readMemory reads VmRSS and VmHWM of pid.
func readMemory(pid int) (Memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, err
	}
	defer f.Close()
	var m Memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) == 0 {
			continue
		}
		kb, err := strconv.ParseInt(fs[0], 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("loadbench: %s of %d: %w", k, pid, err)
		}
		if k == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.Peak = kb << 10
		}
	}
	return m, sc.Err()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
