package desk

// DefaultQuestionnaire encodes the urgent-report procedure: each criterion and each
// exclusion is asked in plain words, and the business-process and users questions give the
// urgency and impact of the SLA. Admins may replace it; this is version 1.
func DefaultQuestionnaire() Questionnaire {
	yes := []string{"yes"}
	return Questionnaire{
		Version: 1,
		Questions: []Question{
			{ID: "availability", Kind: QuestionSingle, Required: true,
				Text: Text{LocaleNL: "Is de website, applicatie of het systeem bereikbaar?", LocaleEN: "Can the website, application or system be reached?"},
				Options: []Option{
					{"down", Text{LocaleNL: "Nee, helemaal niet", LocaleEN: "No, not at all"}},
					{"mostly_down", Text{LocaleNL: "Grotendeels niet", LocaleEN: "Mostly not"}},
					{"partly", Text{LocaleNL: "Gedeeltelijk: sommige onderdelen werken niet", LocaleEN: "Partly: some parts do not work"}},
					{"up", Text{LocaleNL: "Ja, het is bereikbaar", LocaleEN: "Yes, it can be reached"}},
				}},
			{ID: "request_type", Kind: QuestionSingle, Required: true,
				Text: Text{LocaleNL: "Wat voor melding is het?", LocaleEN: "What kind of report is it?"},
				Options: []Option{
					{"malfunction", Text{LocaleNL: "Iets werkt niet (meer)", LocaleEN: "Something does not work (any more)"}},
					{"minor_bug", Text{LocaleNL: "Een fout met beperkte gevolgen", LocaleEN: "An error with limited consequences"}},
					{"design", Text{LocaleNL: "Een ontwerp-, layout- of andere visuele aanpassing", LocaleEN: "A design, layout or other visual change"}},
					{"content", Text{LocaleNL: "Een content-, tekst- of copywijziging", LocaleEN: "A content, text or copy change"}},
					{"feature", Text{LocaleNL: "Een uitbreiding, optimalisatie of nieuwe functie", LocaleEN: "An extension, optimisation or new feature"}},
				}},
			{ID: "financial_damage", Kind: QuestionYesNo, Required: true,
				Text: Text{LocaleNL: "Veroorzaakt het directe financiële schade of omzetverlies?", LocaleEN: "Does it cause direct financial damage or lost revenue?"}},
			{ID: "security", Kind: QuestionYesNo, Required: true,
				Text: Text{LocaleNL: "Is er een beveiligingsrisico, zoals een (vermoedelijk) datalek?", LocaleEN: "Is there a security risk, such as a (suspected) data leak?"}},
			{ID: "essential_function", Kind: QuestionYesNo, Required: true,
				Text: Text{LocaleNL: "Werkt een essentiële functie niet, zoals inloggen, bestellen of betalen?", LocaleEN: "Is an essential function out of order, such as signing in, ordering or paying?"}},
			{ID: "end_users", Kind: QuestionYesNo, Required: true,
				Text: Text{LocaleNL: "Merken uw eindgebruikers het direct, of komt de bedrijfscontinuïteit in gevaar?", LocaleEN: "Do your end users notice it right away, or is business continuity at risk?"}},
			{ID: "workaround", Kind: QuestionYesNo, Required: true,
				Text: Text{LocaleNL: "Is er een tijdelijke oplossing (workaround) waarmee u verder kunt?", LocaleEN: "Is there a temporary workaround that lets you carry on?"},
				Help: Text{LocaleNL: "Bijvoorbeeld een andere manier om te bestellen of een handmatige stap.", LocaleEN: "For example another way to order, or a manual step."}},
			{ID: "business_process", Kind: QuestionSingle, Required: true,
				Text: Text{LocaleNL: "Wat betekent het voor uw bedrijfsproces?", LocaleEN: "What does it mean for your business process?"},
				Options: []Option{
					{"stopped", Text{LocaleNL: "Het bedrijfsproces is gestopt", LocaleEN: "The business process has stopped"}},
					{"hindered", Text{LocaleNL: "Het bedrijfsproces wordt negatief beïnvloed", LocaleEN: "The business process is negatively affected"}},
					{"none", Text{LocaleNL: "Het bedrijfsproces heeft er geen hinder van", LocaleEN: "The business process is not hindered"}},
				}},
			{ID: "users", Kind: QuestionSingle, Required: true,
				Text: Text{LocaleNL: "Wie hebben er last van?", LocaleEN: "Who is affected?"},
				Options: []Option{
					{"all", Text{LocaleNL: "Alle gebruikers", LocaleEN: "All users"}},
					{"some", Text{LocaleNL: "Een aantal gebruikers", LocaleEN: "Some users"}},
					{"one", Text{LocaleNL: "Eén gebruiker", LocaleEN: "One user"}},
				}},
		},
		Rules: []Rule{
			{Question: "availability", AnyOf: []string{"down", "mostly_down"}, Criterion: CriterionUnavailable},
			{Question: "financial_damage", AnyOf: yes, Criterion: CriterionFinancialDamage},
			{Question: "security", AnyOf: yes, Criterion: CriterionSecurityRisk},
			{Question: "essential_function", AnyOf: yes, Criterion: CriterionEssentialFunctionDown},
			{Question: "end_users", AnyOf: yes, Criterion: CriterionBusinessImpact},
			{Question: "request_type", AnyOf: []string{"design"}, Exclusion: ExclusionDesignChange},
			{Question: "request_type", AnyOf: []string{"content"}, Exclusion: ExclusionContentChange},
			{Question: "request_type", AnyOf: []string{"feature"}, Exclusion: ExclusionFeatureRequest},
			{Question: "request_type", AnyOf: []string{"minor_bug"}, Exclusion: ExclusionMinorBug},
			{Question: "workaround", AnyOf: yes, Exclusion: ExclusionWorkaroundAvailable},
			{Question: "business_process", AnyOf: []string{"stopped"}, Urgency: High},
			{Question: "business_process", AnyOf: []string{"hindered"}, Urgency: Normal},
			{Question: "business_process", AnyOf: []string{"none"}, Urgency: Low},
			{Question: "users", AnyOf: []string{"all"}, Impact: High},
			{Question: "users", AnyOf: []string{"some"}, Impact: Normal},
			{Question: "users", AnyOf: []string{"one"}, Impact: Low},
		},
		Criteria: map[string]Text{
			CriterionUnavailable:           {LocaleNL: "de website, applicatie of het systeem is geheel of grotendeels onbeschikbaar", LocaleEN: "the website, application or system is fully or largely unavailable"},
			CriterionFinancialDamage:       {LocaleNL: "het veroorzaakt directe financiële schade of omzetverlies", LocaleEN: "it causes direct financial damage or lost revenue"},
			CriterionSecurityRisk:          {LocaleNL: "er is een beveiligingsrisico, zoals een (vermoedelijk) datalek", LocaleEN: "there is a security risk, such as a (suspected) data leak"},
			CriterionEssentialFunctionDown: {LocaleNL: "een essentiële functie werkt niet en er is geen workaround", LocaleEN: "an essential function is down and there is no workaround"},
			CriterionBusinessImpact:        {LocaleNL: "het heeft directe gevolgen voor eindgebruikers of de bedrijfscontinuïteit", LocaleEN: "it has an immediate impact on end users or business continuity"},
		},
		Exclusions: map[string]Text{
			ExclusionDesignChange:        {LocaleNL: "het is een ontwerp-, layout- of andere visuele aanpassing", LocaleEN: "it is a design, layout or other visual change"},
			ExclusionContentChange:       {LocaleNL: "het is een content-, tekst- of copywijziging", LocaleEN: "it is a content, text or copy change"},
			ExclusionFeatureRequest:      {LocaleNL: "het is een uitbreiding, optimalisatie of verzoek om een nieuwe functie", LocaleEN: "it is an extension, optimisation or feature request"},
			ExclusionMinorBug:            {LocaleNL: "het is een niet-kritieke fout met beperkte impact", LocaleEN: "it is a non-critical bug with limited impact"},
			ExclusionWorkaroundAvailable: {LocaleNL: "er is een tijdelijke oplossing (workaround) beschikbaar", LocaleEN: "a temporary workaround is available"},
		},
	}
}
