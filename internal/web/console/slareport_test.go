package console_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

// svgs returns the SVG elements of a page.
var svgRe = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// wellFormed parses an SVG document with encoding/xml to its end.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v\n%s", err, svg)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Errorf("the SVG leaves %d elements open", depth)
	}
}

// TestSLAReportPages: the desk picks a client and reads its report in Dutch, a client admin
// reads their own in English and not another's, others may not; the charts are well-formed
// SVG with a title and a description; the CSV download.
func TestSLAReportPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		month := desk.MonthOf(time.Now()).String()
		if time.Since(func() time.Time { f, _ := desk.MonthOf(time.Now()).Range(); return f }()) < time.Minute {
			t.Skip("the month just began; the fixtures may lie in the last one")
		}
		acme := fmt.Sprint(e.acme.ID)

		agent := e.client()
		agent.signIn(e.agent)
		p := agent.get("/reports/sla")
		expect(t, p, 200, "SLA-rapportage", "Alle klanten, ", `href="/reports/sla" aria-current="page">Rapportage</a>`, "Acme Bakeries")
		p = agent.get("/reports/sla?org=" + acme + "&month=" + month)
		expect(t, p, 200, "SLA-rapportage · Acme Bakeries", "Eerste reactie", "Oplossing", "Norm gehaald", "90e percentiel",
			"Naar kanaal", "Geen beoordeelde meldingen.", `href="/reports/sla.csv?month=`+month+`&amp;org=`+acme+`"`)
		charts := svgRe.FindAllString(p.body, -1)
		if len(charts) != 4 {
			t.Fatalf("%d charts, want 4", len(charts))
		}
		for _, c := range charts {
			wellFormed(t, c)
			if !strings.Contains(c, `role="img"`) || !strings.Contains(c, "<title id=") || !strings.Contains(c, "<desc id=") {
				t.Errorf("a chart without role, title or description: %s", c)
			}
		}
		if !strings.Contains(charts[0], "Meldingen die de norm voor eerste reactie wel en niet haalden") {
			t.Errorf("the first chart's title: %s", charts[0])
		}

		admin := e.client()
		admin.signIn(e.acmeAdmin) // English
		p = admin.get("/reports/sla?month=" + month)
		expect(t, p, 200, "SLA report · Acme Bakeries", "First response", "only times are shown", "Target met", "90th percentile", ">Reports</a>", "Download as CSV")
		expectNot(t, p, `<select id="org"`, "Globex")
		for _, c := range svgRe.FindAllString(p.body, -1) {
			wellFormed(t, c)
		}
		p = admin.get("/reports/sla?month=nope")
		expect(t, p, 200, "That is not a month (YYYY-MM)")
		expect(t, admin.get("/reports/sla?org="+fmt.Sprint(e.globex.ID)), 404)
		expect(t, admin.get("/reports/sla.csv?org="+fmt.Sprint(e.globex.ID)+"&month="+month), 404)

		p = admin.get("/reports/sla.csv?month=" + month)
		expect(t, p, 200)
		if ct := p.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		lines := strings.Split(strings.TrimSpace(p.body), "\n")
		if len(lines) != 7 || !strings.HasPrefix(lines[0], "organisation_id,month,priority,incidents,first_response_with_target,") {
			t.Fatalf("CSV:\n%s", p.body)
		}
		// Both of Acme's incidents are P2, registered just now by phone, without a contract.
		if want := acme + "," + month + ",P2,2,0,0,0,0,,0,,,0,0,0,0,,0,,,0,2,0,2,0,0,0,0,0,"; lines[2] != want {
			t.Errorf("P2 row\n%s\nwant\n%s", lines[2], want)
		}
		if !strings.HasPrefix(lines[6], acme+","+month+",total,2,") {
			t.Errorf("total row %s", lines[6])
		}

		for _, u := range []desk.User{e.acmeUser, e.expert} {
			c := e.client()
			c.signIn(u)
			expect(t, c.get("/reports/sla?org="+acme), 403)
			expect(t, c.get("/reports/sla.csv?org="+acme+"&month="+month), 403)
			expectNot(t, c.get("/incidents"), `href="/reports/sla"`)
		}
	})
}
