package spec_test

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"testing"

	"github.com/utalk/rtconform/spec"
)

// documentPayload is one literal payload of the source document (testdata/document-payloads.json).
type documentPayload struct {
	Event       string            `json:"event"`
	Source      string            `json:"source"`
	Substituted map[string]string `json:"substituted"`
	Payload     json.RawMessage   `json:"payload"`
	Rejected    *struct {
		Decision string `json:"decision"`
		Why      string `json:"why"`
		Errors   []struct {
			Field string `json:"field"`
			Rule  string `json:"rule"`
		} `json:"errors"`
	} `json:"rejected"`
}

// decisionIDs returns the ids (D1, D2...) of DECISIONS.md's sections.
func decisionIDs(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("DECISIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^## (D[0-9]+)\.`).FindAllSubmatch(b, -1) {
		ids[string(m[1])] = true
	}
	return ids
}

// TestDocumentPayloads validates the document's own payloads, transcribed with
// realistic values for its placeholders. Where the contract deliberately differs
// from the document, the expected rejection and its decision are recorded in the
// test data instead of loosening the schema.
func TestDocumentPayloads(t *testing.T) {
	b, err := os.ReadFile("testdata/document-payloads.json")
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Payloads []documentPayload `json:"payloads"`
	}
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatalf("testdata/document-payloads.json: %v", err)
	}
	c := spec.Default()
	decisions := decisionIDs(t)
	seen := map[string]bool{}
	for _, p := range data.Payloads {
		seen[p.Event] = true
		t.Run(p.Event+" "+p.Source, func(t *testing.T) {
			if c.Event(p.Event) == nil {
				t.Fatalf("the contract has no event %q", p.Event)
			}
			err := c.Validate(p.Event, p.Payload)
			if p.Rejected == nil {
				if err != nil {
					t.Fatalf("Validate(%s) = %v, want nil", p.Payload, err)
				}
				return
			}
			if !decisions[p.Rejected.Decision] {
				t.Errorf("decision %q is not a section of DECISIONS.md", p.Rejected.Decision)
			}
			var ve *spec.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate(%s) = %v, want a rejection (%s: %s)", p.Payload, err, p.Rejected.Decision, p.Rejected.Why)
			}
			for _, want := range p.Rejected.Errors {
				found := false
				for _, f := range ve.Fields {
					found = found || (f.Field == want.Field && f.Rule == want.Rule)
				}
				if !found {
					t.Errorf("errors %+v lack field %q rule %q", ve.Fields, want.Field, want.Rule)
				}
			}
		})
	}
	// Every event of the document that has a payload there is transcribed.
	for _, name := range append(documentClientEvents[:], documentServerEvents[:]...) {
		if !seen[name] && name != "auth:refreshed" && name != "auth:failed" &&
			name != "typing:acknowledged" && name != "conversation:read:acknowledged" &&
			name != "agent:takeover:acknowledged" && name != "agent:return:acknowledged" {
			t.Errorf("testdata/document-payloads.json has no payload for %s", name)
		}
	}
}
