package verdict_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/report/verdict"
)

func sample() *verdict.Results {
	r := &verdict.Results{
		Stamp: verdict.Stamp{RunID: "run-1", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Target: "builtin", ContractHash: "abc", Settings: map[string]string{"STRICT": "0"}},
		Outcome: verdict.OutcomeFail,
		Clauses: []verdict.Clause{
			{ID: "auth.no-token", Title: "No token", Verdict: verdict.Pass},
			{ID: "dedup.same-reply", Title: "Same reply", Verdict: verdict.Fail, Reason: "got duplicate=false <b>",
				Specs: []verdict.Spec{{Name: "retry", State: "failed", Failure: "Expected true",
					Transcript: []verdict.Line{{At: time.Millisecond, Dir: "sent", Event: "message:send", Data: json.RawMessage(`{"messageId":"m1"}`)}}}}},
			{ID: "adapter.redis-paused", Title: "Paused", Verdict: verdict.Missing, Reason: "no Redis"},
			{ID: "order.burst", Title: "Burst", Verdict: verdict.Waived, Reason: "known bug"},
		},
	}
	r.Count()
	return r
}

func TestCount(t *testing.T) {
	got := sample().Summary
	want := verdict.Summary{Pass: 1, Fail: 1, Missing: 1, Waived: 1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestWriteAllAndRender(t *testing.T) {
	dir := t.TempDir()
	if err := verdict.WriteAll(dir, sample()); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, verdict.HTMLFile)); err != nil {
		t.Fatal(err)
	}
	r, err := verdict.Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Fail != 1 {
		t.Errorf("round trip lost the counts: %+v", r.Summary)
	}
	page, err := os.ReadFile(filepath.Join(dir, verdict.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dedup.same-reply", `class="fail"`, "message:send", "&lt;b&gt;", "run-1"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

func TestJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := verdict.WriteJUnit(&b, sample()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 4 || doc.Failures != 1 || doc.Skipped != 2 {
		t.Errorf("got tests=%d failures=%d skipped=%d, want 4 1 2", doc.Tests, doc.Failures, doc.Skipped)
	}
	if !strings.Contains(b.String(), `<testcase name="dedup.same-reply"`) {
		t.Errorf("no testcase per clause:\n%s", b.String())
	}
}
