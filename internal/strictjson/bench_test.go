package strictjson_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/strictjson"
)

// reportBody mirrors the API's report body (internal/web/api/reports.go): answers are read
// as raw JSON per question.
type reportBody struct {
	OrgID         int64                      `json:"organisation_id"`
	ReporterID    *int64                     `json:"reporter_id"`
	Channel       desk.Channel               `json:"channel"`
	Answers       map[string]json.RawMessage `json:"answers"`
	ComponentIDs  []int64                    `json:"component_ids"`
	Affected      string                     `json:"affected"`
	Title         string                     `json:"title"`
	Description   string                     `json:"description"`
	Accept        bool                       `json:"accept_procedure"`
	Locale        desk.Locale                `json:"locale"`
	ProcedureHash string                     `json:"procedure_hash"`
}

// benchBodies are typical request bodies: an incident as API clients create it (~230
// bytes), and a report with questionnaire answers.
var benchBodies = []struct {
	name string
	body string
	dst  func() any
}{
	{"incident", `{"organisation_id":12,"reporter_id":34,"title":"Checkout fails","description":"After paying with iDEAL the shop shows an error page; about 1 in 5 orders.","urgency":"high","impact":"normal","channel":"api","component_ids":[3,7]}`,
		func() any { return new(app.IncidentInput) }},
	{"report", `{"title":"Mail is slow","description":"Since this morning, mail takes minutes to arrive.","accept_procedure":true,"locale":"nl","component_ids":[5],` +
		`"answers":{"scope":"team","since":"today","affected_services":["mail","calendar"],"workaround":"no","users":"12"},"procedure_hash":"3f2a9c"}`,
		func() any { return new(reportBody) }},
}

// BenchmarkDecode compares strictjson.Decode with what encoding/json alone does with the same
// body (a Decoder that disallows unknown fields): the price of reading strictly.
func BenchmarkDecode(b *testing.B) {
	for _, bb := range benchBodies {
		body := []byte(bb.body)
		if err := strictjson.Decode(body, bb.dst()); err != nil {
			b.Fatalf("%s: %v", bb.name, err)
		}
		b.Run(bb.name+"/strict", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := strictjson.Decode(body, bb.dst()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bb.name+"/encoding_json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				dec := json.NewDecoder(bytes.NewReader(body))
				dec.DisallowUnknownFields()
				if err := dec.Decode(bb.dst()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDecodeAllocates: reading a typical body strictly allocates about as much as
// encoding/json alone; walking json.Decoder.Token allocated per token, 142 allocations for
// the incident body against 18 (issue 10, hperf). Not parallel: testing.AllocsPerRun
// refuses to run beside parallel tests, whose allocations it would count.
func TestDecodeAllocates(t *testing.T) {
	for _, bb := range benchBodies {
		body := []byte(bb.body)
		strict := testing.AllocsPerRun(200, func() {
			if err := strictjson.Decode(body, bb.dst()); err != nil {
				t.Fatal(err)
			}
		})
		plain := testing.AllocsPerRun(200, func() {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(bb.dst()); err != nil {
				t.Fatal(err)
			}
		})
		if strict > plain+2 {
			t.Errorf("%s: %.0f allocations, encoding/json alone %.0f", bb.name, strict, plain)
		}
	}
}

// TestRefusedValueNotWalked: a value that is refused as a whole (an unknown key's, a
// duplicate's, an array where text belongs) is passed over in one step, not token by
// token: a megabyte of it cost 1.9 million allocations and ten times encoding/json's time
// before. Not parallel, for testing.AllocsPerRun.
func TestRefusedValueNotWalked(t *testing.T) {
	var big bytes.Buffer
	big.WriteString(`[`)
	for big.Len() < 1<<20 {
		big.WriteString(`1,"ab",{"c":[true,null]},`)
	}
	big.WriteString(`1]`)
	type in struct {
		Title string `json:"title"`
	}
	for _, c := range []struct{ name, body, pointer, rule string }{
		{"an unknown key", `{"title":"x","nope":` + big.String() + `}`, "/nope", "unknown_field"},
		{"a key twice", `{"title":"x","title":` + big.String() + `}`, "/title", "duplicate_key"},
		{"an array for text", `{"title":` + big.String() + `}`, "/title", "type"},
		{"an array for the body", big.String(), "", "type"},
	} {
		body := []byte(c.body)
		var err error
		allocs := testing.AllocsPerRun(3, func() { err = strictjson.Decode(body, &in{}) })
		var e *strictjson.Error
		if !errors.As(err, &e) || len(e.Problems) != 1 || e.Problems[0].Path.Pointer() != c.pointer || e.Problems[0].Rule != c.rule {
			t.Errorf("%s: %v, want one problem %s at %q", c.name, err, c.rule, c.pointer)
		}
		if allocs > 100 {
			t.Errorf("%s: %.0f allocations for a refused megabyte: it was walked", c.name, allocs)
		}
	}
}
