package desk

import "testing"

func TestStripQuoted(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"plain", "It works again.\n\nThanks!\n", "It works again.\n\nThanks!"},
		{"gmail english",
			"Still broken after the restart.\r\n\r\nOn Tue, 3 Nov 2026 at 10:00, Meldpunt <meldpunt+45.abc@desk.example> wrote:\r\n> We restarted the service.\r\n>\r\n> Kind regards\r\n",
			"Still broken after the restart."},
		{"gmail wrapped attribution",
			"Still broken.\n\nOn Tue, 3 Nov 2026 at 10:00, Servicedesk Meldpunt van Voorbeeld BV <\nmeldpunt+45.abc@desk.example> wrote:\n\n> We restarted the service.\n",
			"Still broken."},
		{"gmail dutch",
			"Het werkt weer, dank je.\n\nOp di 3 nov 2026 om 10:00 schreef Meldpunt <meldpunt@desk.example>:\n> Wij hebben de dienst herstart.\n",
			"Het werkt weer, dank je."},
		{"outlook dutch",
			"Goedemorgen,\n\nDe storing is nog niet opgelost.\n\nMet vriendelijke groet,\nRita\n\n________________________________\nVan: Meldpunt <meldpunt@desk.example>\nVerzonden: dinsdag 3 november 2026 10:00\nAan: Rita <rita@acme.example>\nOnderwerp: [INC-000123] Oplossing\n\nWij hebben de dienst herstart.\n",
			"Goedemorgen,\n\nDe storing is nog niet opgelost.\n\nMet vriendelijke groet,\nRita"},
		{"outlook original message",
			"See the attached log.\n\n-----Original Message-----\nFrom: Meldpunt\nSent: Tuesday\n\nold text\n",
			"See the attached log."},
		{"outlook oorspronkelijk bericht",
			"Zie bijlage.\n\n-----Oorspronkelijk bericht-----\nVan: Meldpunt\n",
			"Zie bijlage."},
		{"outlook bold header from html",
			"Fixed, thanks.\n\n*From:* Meldpunt <meldpunt@desk.example>\n*Sent:* Tuesday, 3 November 2026 10:00\n*To:* Rita\n",
			"Fixed, thanks."},
		{"apple mail english",
			"Confirmed.\n\nSent from my iPhone\n\n> On 3 Nov 2026, at 10:00, Meldpunt <meldpunt@desk.example> wrote:\n>\n> We restarted the service.\n",
			"Confirmed.\n\nSent from my iPhone"},
		{"apple mail dutch",
			"Nog steeds kapot.\n\n> Op 3 nov. 2026 om 10:00 heeft Meldpunt <meldpunt@desk.example> het volgende geschreven:\n>\n> Wij hebben de dienst herstart.\n",
			"Nog steeds kapot."},
		{"apple mail dutch unquoted attribution",
			"Nog steeds kapot.\n\nOp 3 nov. 2026 om 10:00 heeft Meldpunt <meldpunt@desk.example> het volgende geschreven:\n\nWij hebben de dienst herstart.\n",
			"Nog steeds kapot."},
		{"signature",
			"The export fails again.\n\n-- \nRita Jansen\nAcme BV | +31 20 123 4567\n",
			"The export fails again."},
		{"inline answers kept",
			"> Does it fail for everyone?\nOnly for the finance team.\n> Since when?\nSince this morning.\n",
			"Only for the finance team.\nSince this morning."},
		{"a lone From: line is text", "From: the logs it looks like a timeout.\nCan you check?", "From: the logs it looks like a timeout.\nCan you check?"},
		{"only quoted", "> old\n> text\n", ""},
		{"on in a sentence", "On Monday it failed again.\nIt still fails.", "On Monday it failed again.\nIt still fails."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := StripQuoted(c.in); got != c.want {
				t.Errorf("StripQuoted:\n got %q\nwant %q", got, c.want)
			}
		})
	}
}
