package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"meldpunt/internal/app"
	"meldpunt/internal/desk"
	"meldpunt/internal/strictjson"
)

func (a *api) getQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	q, err := a.svc.reports.Questionnaire(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, q)
}

// getQuestionnaireVersion answers one version of the definition: what a report was
// answered with. Definitions belong to no organisation.
func (a *api) getQuestionnaireVersion(w http.ResponseWriter, r *http.Request) error {
	act := actor(r)
	id, ok := parseID(r.PathValue("version"))
	if !ok || id > 1<<31-1 {
		return desk.NotFound("questionnaire")
	}
	q, err := a.svc.reports.QuestionnaireVersion(r.Context(), act, int(id))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, q)
}

// definitionTypes are the media types a definition may be sent as.
var definitionTypes = []string{"application/json", "application/yaml", "application/x-yaml", "text/yaml"}

// putQuestionnaire replaces the definition with one written in JSON or YAML, and answers
// the stored definition with its new version.
func (a *api) putQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if cs, ok := params["charset"]; err != nil || !slices.Contains(definitionTypes, mt) || ok && !strings.EqualFold(cs, "utf-8") {
		return desk.Errorf(desk.EMEDIATYPE, "send the definition as application/json or application/yaml (UTF-8)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, app.MaxDefinition))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return desk.Errorf(desk.ETOOLARGE, "the definition is larger than %d KiB", app.MaxDefinition>>10)
	}
	if err != nil {
		return badRequest("the body could not be read")
	}
	if mt != "application/json" && !utf8.Valid(body) {
		return invalid("", "utf8", "must be valid UTF-8 text") // JSON is checked where it is wrong
	}
	if trimmed := bytes.TrimSpace(body); mt == "application/json" && len(trimmed) > 0 && trimmed[0] != '{' {
		return invalid("", "type", "must be a JSON object")
	}
	// The fields of errors are pointers into the JSON form, also for YAML; when there is
	// none (a YAML key given twice), they are made from the fields' names alone.
	js, _ := app.DefinitionJSON(body)
	keepDoc(r, js, false)
	q, err := app.ParseQuestionnaire(body)
	if err != nil {
		return definitionFields(err)
	}
	q, err = a.svc.reports.ReplaceQuestionnaire(r.Context(), actor(r), q)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Location", a.base+Prefix+"/questionnaire/versions/"+strconv.Itoa(q.Version))
	return writeJSON(w, http.StatusOK, q)
}

// definitionFields names the definition as a whole by the pointer "", as the body.
func definitionFields(err error) error {
	var e *desk.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i := range out.Fields {
		if out.Fields[i].Field == "definition" {
			out.Fields[i].Field = ""
		}
	}
	return &out
}

// answers reads the answers of a request: per question id, an option id or a list of them.
type answers map[string]json.RawMessage

// read returns the answers as the app takes them, or an error naming each answer that is
// neither a string nor a list of strings (/answers/<question>).
func (as answers) read() (desk.Answers, error) {
	out := make(desk.Answers, len(as))
	var v desk.Validator
	ids := make([]string, 0, len(as))
	for id := range as {
		ids = append(ids, id)
	}
	sort.Strings(ids) // the errors in a stable order
	for _, id := range ids {
		raw := bytes.TrimSpace(as[id])
		bad := false
		switch {
		case bytes.Equal(raw, []byte("null")):
			out[id] = nil
		case len(raw) > 0 && raw[0] == '"':
			var one string
			bad = json.Unmarshal(raw, &one) != nil
			if one != "" {
				out[id] = []string{one}
			} else {
				out[id] = nil // an empty answer is no answer
			}
		case len(raw) > 0 && raw[0] == '[':
			var list []string
			bad = json.Unmarshal(raw, &list) != nil
			out[id] = list
		default:
			bad = true
		}
		if bad {
			v.Add(strictjson.Path{{Key: "answers", Index: -1}, {Key: id, Index: -1}}.Pointer(), "type", "must be an option id, or a list of option ids")
		}
	}
	return out, v.Err()
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// evaluation is the body of an evaluation.
type evaluation struct {
	OrgID   int64   `json:"organisation_id"`
	Answers answers `json:"answers"`
}

// evaluate tells what the answers mean — urgent or regular, why, the priority and what the
// contract promises — and stores nothing.
func (a *api) evaluate(w http.ResponseWriter, r *http.Request) error {
	var in evaluation
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ans, err := in.Answers.read()
	if err != nil {
		return err
	}
	ctx, act := r.Context(), actor(r)
	if act.Role.IsClient() && in.OrgID != 0 && in.OrgID != act.OrgID {
		return invalid("organisation_id", "own", "a client evaluates for its own organisation; leave organisation_id out")
	}
	if act.Role.IsDesk() && in.OrgID != 0 {
		if _, err := a.svc.organisations.Get(ctx, act, in.OrgID); desk.IsNotFound(err) {
			return invalid("organisation_id", "exists", "no organisation has this id")
		} else if err != nil {
			return err
		}
	}
	v, err := a.svc.reports.Evaluate(ctx, act, in.OrgID, ans)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// procedure is the text of the urgent-report procedure a reporter accepts.
type procedure struct {
	Locale desk.Locale `json:"locale"`
	Text   string      `json:"text"`
	Hash   string      `json:"hash"`
}

// getProcedure answers the procedure's text in a language, with the provider's name filled
// in, and the hash a report names to say which text was accepted.
func (a *api) getProcedure(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	l := desk.Locale(q.oneOf("locale", []string{string(desk.LocaleNL), string(desk.LocaleEN)}))
	if err := q.Err(); err != nil {
		return err
	}
	if l == "" {
		l = desk.LocaleNL // as a report's locale defaults to
	}
	name, err := a.svc.organisations.ProviderName(r.Context())
	if err != nil {
		return err
	}
	text, hash := desk.Procedure(l, name)
	return writeJSON(w, http.StatusOK, procedure{Locale: l, Text: text, Hash: hash})
}
