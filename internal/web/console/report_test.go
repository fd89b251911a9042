package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"meldpunt/internal/desk"
	"meldpunt/internal/store"
	"meldpunt/internal/store/storetest"
)

func TestReportPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx, sys := context.Background(), desk.SystemActor("test")
		gold := e.contract(e.acme, "Gold", true, desk.Hours24x7)
		_, nlHash := desk.Procedure(desk.LocaleNL, e.providerName())
		_, enHash := desk.Procedure(desk.LocaleEN, e.providerName())
		comps, err := e.app.Components.List(ctx, sys, e.acme.ID)
		if err != nil || len(comps) != 1 {
			t.Fatalf("components: %v %v", comps, err)
		}
		webshop := desk.FormatInt(comps[0].ID)

		t.Run("the questionnaire in Dutch and in English", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser) // Dutch
			p := c.get("/report")
			expect(t, p, http.StatusOK, `<html lang="nl">`, "<h1>Melding maken</h1>", `href="/report" aria-current="page"`,
				"Is de website, applicatie of het systeem bereikbaar?", `type="radio" name="answers.availability" value="down"`,
				`type="radio" name="answers.security" value="yes"`, `<span class="req" aria-hidden="true">*</span>`,
				"Bijvoorbeeld een andere manier om te bestellen", `<option value="`+webshop+`">Webshop</option>`,
				`name="affected"`, `name="title"`, `name="description"`, `type="file" id="files" name="files" multiple`,
				`enctype="multipart/form-data"`, "Wat is het doel van een spoedmelding?",
				`name="procedure_hash" value="`+nlHash+`"`, `name="accept_procedure"`, `name="step" value="check"`,
				`name="step" value="submit"`, "Spoedmelding of niet?", "/report.js", `data-texts="`,
				"bewaren we de gekozen bestanden 30 minuten")
			expectNot(t, p, "<script>", "style=")
			if !strings.Contains(p.body, e.providerName()) {
				t.Error("the procedure does not name the provider")
			}
			c = e.client()
			c.signIn(e.acmeAdmin) // English
			p = c.get("/report")
			expect(t, p, http.StatusOK, `<html lang="en">`, "<h1>Report an incident</h1>", "Can the website, application or system be reached?",
				"What is an urgent report for?", `name="procedure_hash" value="`+enHash+`"`, "Urgent report or not?", "Submit the report")
			// The link in the header.
			expect(t, c.get("/incidents"), http.StatusOK, `<a href="/report"`, "My incidents")
		})

		t.Run("the check step gives the verdict without JavaScript and keeps every answer", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			before := e.count(e.acme)
			p := c.submit("/report", "/report", answerForm(urgentAnswers, "step", "check", "title", "Kassa ligt eruit",
				"description", "Sinds 9:00\ngeen betalingen.", "affected", "kassa", "component_id", webshop))
			expect(t, p, http.StatusOK, `class="verdict urgent"`, "Dit is een spoedmelding",
				"de website, applicatie of het systeem is geheel of grotendeels onbeschikbaar",
				"het veroorzaakt directe financiële schade of omzetverlies",
				"een essentiële functie werkt niet en er is geen workaround",
				"Prioriteit P1 (Kritiek): urgentie hoog, impact hoog.",
				"Contract ‘Gold’ belooft bij P1: een eerste reactie binnen 30 minuten en een oplossing binnen 4 uur.",
				"Supporttijden: 24 uur per dag, 7 dagen per week.", `value="Kassa ligt eruit"`, "Sinds 9:00\ngeen betalingen.",
				`value="kassa"`, `<option value="`+webshop+`" selected>Webshop</option>`)
			expectAnswers(t, p, urgentAnswers)
			expectNot(t, p, "field-error")
			if panel := verdictPanel(t, p); strings.Contains(panel, "beveiligingsrisico") || strings.Contains(panel, "buiten de supporttijden") {
				t.Errorf("the panel names what does not apply:\n%s", panel)
			}

			p = c.submit("/report", "/report", answerForm(regularAnswers, "step", "check"))
			expect(t, p, http.StatusOK, `class="verdict regular"`, "Dit valt onder reguliere support",
				"het is een ontwerp-, layout- of andere visuele aanpassing", "Prioriteit P5 (Planning)",
				"een oplossing binnen 480 uur")
			expectAnswers(t, p, regularAnswers)

			p = c.submit("/report", "/report", answerForm(mixedAnswers, "step", "check"))
			expect(t, p, http.StatusOK, "Dit valt onder reguliere support", "er is een tijdelijke oplossing (workaround) beschikbaar",
				"Dat weegt zwaarder dan wat wel op spoed wijst: de website, applicatie of het systeem is geheel of grotendeels onbeschikbaar.",
				"Prioriteit P3")

			// Not everything answered: the open questions say so.
			partial := answerForm(map[string]string{"availability": "down", "security": "yes"}, "step", "check")
			p = c.submit("/report", "/report", partial)
			expect(t, p, http.StatusOK, `class="verdict pending"`, "Nog te beantwoorden vragen: 7.",
				`id="q-users-error"`, "Beantwoord deze vraag.")
			expectAnswers(t, p, map[string]string{"availability": "down", "security": "yes"})
			expectNot(t, p, `id="q-availability-error"`)

			if after := e.count(e.acme); after != before {
				t.Errorf("checking stored incidents: %d → %d", before, after)
			}

			// In English.
			en := e.client()
			en.signIn(e.acmeAdmin)
			p = en.submit("/report", "/report", answerForm(urgentAnswers, "step", "check"))
			expect(t, p, http.StatusOK, "This is an urgent report", "the website, application or system is fully or largely unavailable",
				"Priority P1 (Critical): urgency high, impact high.",
				"Contract ‘Gold’ promises for P1: a first response within 30 minutes and a resolution within 4 hours.")
			p = en.submit("/report", "/report", answerForm(regularAnswers, "step", "check"))
			expect(t, p, http.StatusOK, "This falls under regular support", "it is a design, layout or other visual change")
		})

		t.Run("the contract's promise, said plainly", func(t *testing.T) {
			c := e.client()
			c.signIn(e.globexUser)
			p := c.submit("/report", "/report", answerForm(urgentAnswers, "step", "check"))
			expect(t, p, http.StatusOK, "Dit is een spoedmelding", "Er is geen actief contract voor uw organisatie")
			e.contract(e.globex, "Basis", false, desk.HoursBusiness)
			p = c.submit("/report", "/report", answerForm(urgentAnswers, "step", "check"))
			expect(t, p, http.StatusOK, "Uw contract ‘Basis’ dekt geen spoedmeldingen", "Supporttijden: werkdagen 08:30–17:30.")
			// As a line of the verdict panel: the same text stands in the panel's data-texts
			// for the script, whatever the time.
			outside := `<li class="warn">Het is nu buiten de supporttijden`
			if desk.InSupportHours(desk.HoursBusiness, time.Now()) {
				expectNot(t, p, outside)
			} else {
				expect(t, p, http.StatusOK, outside)
			}
		})

		t.Run("submitting without acceptance keeps every answer", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			before := e.count(e.acme)
			form := answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit", "description", "Geen betalingen.",
				"affected", "kassa", "component_id", webshop)
			p := c.uploadForm("/report", "/report", form, map[string][]file{"files": {{"kassa.png", png}}})
			expect(t, p, http.StatusUnprocessableEntity, `id="accept_procedure-error"`, "Vink dit vakje aan",
				`value="Kassa ligt eruit"`, ">Geen betalingen.</textarea>", `value="kassa"`,
				`<option value="`+webshop+`" selected>Webshop</option>`, "Al ontvangen bestanden", `<span class="ut">kassa.png</span>`,
				"Dit is een spoedmelding", `name="procedure_hash" value="`+nlHash+`"`)
			expectAnswers(t, p, urgentAnswers)
			if after := e.count(e.acme); after != before {
				t.Errorf("a report without acceptance was stored: %d → %d", before, after)
			}
			// Every invalid field at once, each message next to its field.
			form = answerForm(map[string]string{"availability": "down"}, "step", "submit", "title", " ",
				"description", strings.Repeat("x", desk.MaxText+1), "component_id", desk.FormatInt(999999))
			p = c.uploadForm("/report", "/report", form, nil)
			expect(t, p, http.StatusUnprocessableEntity, `id="title-error"`, `id="description-error"`, `id="component_id-error"`,
				`id="accept_procedure-error"`, `id="q-security-error"`, `id="q-users-error"`)
			expectNot(t, p, `id="q-availability-error"`)
			expectAnswers(t, p, map[string]string{"availability": "down"})
			if after := e.count(e.acme); after != before {
				t.Errorf("an invalid report was stored: %d → %d", before, after)
			}
		})

		t.Run("a file of a type not allowed: the message next to the field, nothing stored", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			before := e.count(e.acme)
			form := answerForm(urgentAnswers, "step", "submit", "title", "Kassa", "accept_procedure", "1")
			p := c.uploadForm("/report", "/report", form, map[string][]file{"files": {{"ok.png", png}, {"tool.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")}}})
			// The file that is fine is kept for the next try; the one refused is not.
			expect(t, p, http.StatusUnprocessableEntity, "tool.exe is van een soort die niet is toegestaan", `<span class="ut">ok.png</span>`)
			expectNot(t, p, "ok.png is", `<span class="ut">tool.exe</span>`)
			expectAnswers(t, p, urgentAnswers)
			if after := e.count(e.acme); after != before {
				t.Errorf("a report with a bad file was stored: %d → %d", before, after)
			}
		})

		t.Run("submitted: the confirmation, the record and the files", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			form := answerForm(urgentAnswers, "step", "submit", "title", "Kassa ligt eruit", "description", "Geen betalingen.",
				"affected", "kassa", "component_id", webshop, "accept_procedure", "1")
			p := c.uploadForm("/report", "/report", form, map[string][]file{"files": {{"kassa.png", png}, {"log.txt", []byte("error at 09:00\n")}}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("submit: %d\n%s", p.status, p.body)
			}
			number := numberOf(t, p.location)
			p = c.get(p.location)
			expect(t, p, http.StatusOK, "Uw melding "+number+" is ontvangen", "Dit is een spoedmelding",
				"De servicedesk beoordeelt uw spoedmelding", "Contract ‘Gold’ belooft bij P1",
				"Wat gebeurt er nu?", "Wacht op beoordeling", "Gemeld met de vragenlijst: spoedmelding, prioriteit P1.",
				"Van toepassing: onbereikbaar, financiële schade, essentiële functie werkt niet, gevolgen voor eindgebruikers of bedrijfscontinuïteit.",
				"Is de website, applicatie of het systeem bereikbaar?</dt><dd>Nee, helemaal niet</dd>",
				"Procedure geaccepteerd door Anna Acme", "tekst in het Nederlands, kenmerk "+nlHash[:12],
				"Bestand kassa.png toegevoegd.", ">kassa.png</bdi></a>", ">log.txt</bdi></a>", "Webshop", "kassa")
			expectNot(t, p, "Vanaf adres") // the address is for staff
			// Without ?submitted the page has no confirmation.
			expectNot(t, c.get("/incidents/"+number), "is ontvangen")

			id, _ := desk.ParseNumber(number)
			rep, err := e.app.Reports.Get(ctx, sys, id)
			if err != nil {
				t.Fatal(err)
			}
			if rep.ProcedureHash != nlHash || rep.ProcedureLocale != desk.LocaleNL || rep.AcceptedByID != e.acmeUser.ID || rep.Evaluation.Verdict != desk.VerdictUrgent {
				t.Errorf("the report's record: %+v", rep)
			}
			inc, err := e.app.Incidents.Get(ctx, sys, id)
			if err != nil || inc.Kind != desk.KindUrgent || inc.Assessment != desk.AssessmentPending || inc.Channel != desk.ChannelPortal || inc.Priority != desk.P1 {
				t.Errorf("the incident: %+v (%v)", inc, err)
			}

			// The files download as attachments, never inline.
			as, err := e.app.Incidents.Attachments(ctx, sys, id)
			if err != nil || len(as) != 2 {
				t.Fatalf("attachments: %v %v", as, err)
			}
			d := c.get("/incidents/" + number + "/attachments/" + desk.FormatInt(as[0].ID))
			if d.status != http.StatusOK || d.body != string(png) {
				t.Fatalf("download: %d", d.status)
			}
			if got := d.header.Get("Content-Disposition"); got != `attachment; filename=kassa.png` && got != `attachment; filename="kassa.png"` {
				t.Errorf("Content-Disposition %q", got)
			}
			if d.header.Get("Content-Type") != "image/png" || d.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("download headers: %v", d.header)
			}

			// "My incidents" lists it with its state and priority.
			p = c.get("/incidents")
			expect(t, p, http.StatusOK, "<h1>Mijn meldingen</h1>", number, "Kassa ligt eruit", `<span class="badge P1"`, "Nieuw", "Wacht op beoordeling")

			// In English, the same record in English words.
			en := e.client()
			en.signIn(e.acmeAdmin)
			p = en.get("/incidents/" + number + "?submitted=1")
			expect(t, p, http.StatusOK, "Reported with the questionnaire: urgent report, priority P1.", "Can the website, application or system be reached?</dt><dd>No, not at all</dd>",
				"Procedure accepted by Anna Acme", "text in Dutch", "Waiting for assessment", "This is an urgent report")

			// Staff see where it was accepted from.
			ag := e.client()
			ag.signIn(e.agent)
			expect(t, ag.get("/incidents/"+number), http.StatusOK, "Vanaf adres 127.0.0.1.")

			// Another client sees nothing of it: not the incident, the report, nor its files.
			for _, u := range []desk.User{e.globexUser, e.acmeUser2} {
				o := e.client()
				o.signIn(u)
				expect(t, o.get("/incidents/"+number+"?submitted=1"), http.StatusNotFound)
				expect(t, o.get("/incidents/"+number+"/attachments/"+desk.FormatInt(as[0].ID)), http.StatusNotFound)
			}
			// Nor through an incident of its own.
			g := e.client()
			g.signIn(e.globexUser)
			expect(t, g.get("/incidents/"+e.globexInc.Number+"/attachments/"+desk.FormatInt(as[0].ID)), http.StatusNotFound)
		})

		t.Run("script in any text is shown escaped", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			evil := `<script>alert("x")</script>`
			form := answerForm(urgentAnswers, "step", "submit", "title", evil, "description", evil, "affected", evil, "accept_procedure", "1")
			p := c.uploadForm("/report", "/report", form, nil)
			if p.status != http.StatusSeeOther {
				t.Fatalf("submit: %d\n%s", p.status, p.body)
			}
			escaped := "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
			for _, path := range []string{p.location, "/incidents"} {
				q := c.get(path)
				expect(t, q, http.StatusOK, escaped)
				expectNot(t, q, evil)
			}
			// On the check step too, and on the desk's queue.
			q := c.submit("/report", "/report", answerForm(urgentAnswers, "step", "check", "title", evil))
			expect(t, q, http.StatusOK, escaped)
			expectNot(t, q, evil)
			ag := e.client()
			ag.signIn(e.agent)
			q = ag.get("/triage")
			expect(t, q, http.StatusOK, escaped)
			expectNot(t, q, evil)
		})

		t.Run("CSRF and roles", func(t *testing.T) {
			c := e.client()
			c.signIn(e.acmeUser)
			expect(t, c.post("/report", answerForm(urgentAnswers, "step", "check")), http.StatusForbidden)
			expect(t, c.post("/report", answerForm(urgentAnswers, "step", "check", "csrf", "forged")), http.StatusForbidden)
			// The desk registers reports through the phone intake; an expert reports nothing.
			ag := e.client()
			ag.signIn(e.agent)
			if p := ag.get("/report"); p.status != http.StatusSeeOther || p.location != "/intake" {
				t.Errorf("an agent's /report: %d %q", p.status, p.location)
			}
			ex := e.client()
			ex.signIn(e.expert)
			expect(t, ex.get("/report"), http.StatusForbidden)
			expect(t, ex.post("/report", url.Values{"csrf": {csrfFor(t, ex.get("/incidents"), "/logout")}}), http.StatusForbidden)
			// Anonymous visitors sign in first.
			if p := e.client().get("/report"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login?next=") {
				t.Errorf("anonymous /report: %d %q", p.status, p.location)
			}
			_ = gold
		})
	})
}
