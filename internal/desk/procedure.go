package desk

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Procedure is the text of the urgent-report procedure that a client accepts by
// submitting a report. Provider stands in for the provider's name.
var procedureText = map[Locale]string{
	LocaleNL: `Wat is het doel van een spoedmelding?
De spoedmelding is bedoeld voor situaties waarin sprake is van een kritiek incident dat directe actie vereist om ernstige verstoring van diensten, bedrijfsprocessen of veiligheid te voorkomen. Deze procedure is ingericht om dergelijke incidenten met prioriteit te behandelen.

Definitie spoedmelding
Een spoedmelding betreft een incident dat:
- leidt tot volledige of grotendeels onbeschikbaarheid van een website, applicatie of systeem;
- directe financiële schade of omzetverlies veroorzaakt;
- een beveiligingsrisico vormt, waaronder (vermoedelijke) datalekken;
- essentiële functionaliteiten buiten werking stelt zonder beschikbare workaround;
- onmiddellijke impact heeft op eindgebruikers of bedrijfscontinuïteit.

Afbakening
De volgende verzoeken worden niet als spoedmelding aangemerkt:
- ontwerp-, layout- of andere visuele aanpassingen;
- content-, tekst- of copywijzigingen;
- uitbreidingen, optimalisaties of feature-verzoeken;
- niet-kritieke bugs of fouten met beperkte impact;
- verzoeken waarvoor een tijdelijke oplossing beschikbaar is.
Dergelijke verzoeken vallen onder reguliere support en planning.

Procedure
De opdrachtgever dient een spoedmelding in via de daarvoor bestemde vragenlijst. Daaruit zal de klant meteen zien of zijn/haar probleem valt onder een spoedmelding. Ook zal {provider} dit zelf nog beoordelen. {provider} beoordeelt of het incident voldoet aan de criteria van een spoedmelding. Indien goedgekeurd wordt het incident met prioriteit opgepakt. De opdrachtgever wordt geïnformeerd over voortgang en eventuele vervolgstappen. {provider} behoudt zich het recht voor een spoedmelding te herclassificeren naar reguliere support indien niet aan de criteria wordt voldaan.

Reactietijden
Spoedmeldingen worden zo spoedig mogelijk in behandeling genomen. Reactie- en oplostijden zijn afhankelijk van:
- aard en complexiteit van het incident;
- beschikbaarheid van benodigde systemen of externe partijen;
- het geldende service- of onderhoudscontract.
Aan deze reactietijden kunnen geen absolute garanties worden ontleend, tenzij schriftelijk anders overeengekomen.

Aansprakelijkheid
{provider} spant zich in om spoedmeldingen zorgvuldig en adequaat te behandelen, maar kan geen aansprakelijkheid aanvaarden voor gevolgschade, indirecte schade of omzetverlies voortvloeiend uit het incident of de afhandeling daarvan, tenzij anders overeengekomen.

Slotbepaling
Door het indienen van een spoedmelding verklaart de opdrachtgever kennis te hebben genomen van deze procedure en hiermee akkoord te gaan.`,
	LocaleEN: `What is an urgent report for?
An urgent report is meant for a critical incident that needs immediate action to prevent serious disruption of services, business processes or security. This procedure exists to handle such incidents with priority.

Definition of an urgent report
An urgent report concerns an incident that:
- makes a website, application or system fully or largely unavailable;
- causes direct financial damage or lost revenue;
- is a security risk, including (suspected) data leaks;
- puts essential functionality out of order with no workaround available;
- has an immediate impact on end users or business continuity.

Scope
The following requests are not urgent reports:
- design, layout or other visual changes;
- content, text or copy changes;
- extensions, optimisations or feature requests;
- non-critical bugs or errors with limited impact;
- requests for which a temporary workaround is available.
Such requests fall under regular support and planning.

Procedure
The client files an urgent report through the questionnaire meant for it, which shows the client at once whether the problem counts as an urgent report. {provider} also assesses this itself. {provider} assesses whether the incident meets the criteria of an urgent report. If approved, the incident is handled with priority. The client is informed of progress and any next steps. {provider} reserves the right to reclassify an urgent report to regular support if the criteria are not met.

Response times
Urgent reports are taken up as soon as possible. Response and resolution times depend on:
- the nature and complexity of the incident;
- the availability of the systems or external parties needed;
- the service or maintenance contract in force.
No absolute guarantees can be derived from these response times unless agreed otherwise in writing.

Liability
{provider} makes every effort to handle urgent reports carefully and adequately, but accepts no liability for consequential damage, indirect damage or lost revenue arising from the incident or its handling, unless agreed otherwise.

Final provision
By submitting an urgent report, the client declares to have read this procedure and to accept it.`,
}

// Procedure returns the procedure's text in l with the provider's name filled in, and the
// hash that identifies exactly that text: what a client accepts is recorded by this hash.
func Procedure(l Locale, provider string) (text, hash string) {
	t, ok := procedureText[l]
	if !ok {
		t = procedureText[LocaleNL]
	}
	text = strings.ReplaceAll(t, "{provider}", provider)
	h := sha256.Sum256([]byte(text))
	return text, hex.EncodeToString(h[:])
}
