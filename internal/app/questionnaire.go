package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"meldpunt/internal/desk"
	"meldpunt/internal/strictjson"
)

// currentQuestionnaire returns the newest stored definition, or the default when none is
// stored yet.
func currentQuestionnaire(ctx context.Context, tx ReportStore) (desk.Questionnaire, error) {
	q, err := tx.Questionnaire(ctx, 0)
	if desk.IsNotFound(err) {
		return desk.DefaultQuestionnaire(), nil
	}
	return q, err
}

// Questionnaire returns the definition clients answer now. Anyone signed in may read it.
func (a *Reports) Questionnaire(ctx context.Context, actor desk.Actor) (q desk.Questionnaire, err error) {
	err = a.db.read(ctx, func(tx reportTx) error {
		q, err = currentQuestionnaire(ctx, tx)
		return err
	})
	return q, err
}

// QuestionnaireVersion returns one version of the definition: what an incident's report
// was answered with. Definitions are the same for every client and hold nothing of theirs,
// so anyone signed in may read any version.
func (a *Reports) QuestionnaireVersion(ctx context.Context, actor desk.Actor, version int) (q desk.Questionnaire, err error) {
	if version <= 0 {
		return q, desk.NotFound("questionnaire")
	}
	err = a.db.read(ctx, func(tx reportTx) error {
		q, err = tx.Questionnaire(ctx, version)
		if desk.IsNotFound(err) && version == 1 {
			q, err = desk.DefaultQuestionnaire(), nil // the default before anyone stored it
		}
		return err
	})
	return q, err
}

// ReplaceQuestionnaire stores a new version of the definition; only admins may. Incidents
// keep the version they were answered with.
func (a *Reports) ReplaceQuestionnaire(ctx context.Context, actor desk.Actor, q desk.Questionnaire) (desk.Questionnaire, error) {
	if err := requireAdmin(actor, "change the questionnaire"); err != nil {
		return q, err
	}
	if err := q.Validate(); err != nil {
		return q, err
	}
	now := a.clock()
	err := a.db.write(ctx, func(tx reportTx) error {
		if _, err := storedQuestionnaire(ctx, tx, now); err != nil { // keep the default as version 1
			return err
		}
		var by *int64
		if actor.UserID != 0 {
			by = ptr(actor.UserID)
		}
		if err := tx.CreateQuestionnaire(ctx, &q, by, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, now, "questionnaire", int64(q.Version), nil, "replace", nil,
			map[string]any{"version": q.Version, "hash": q.Hash()})
	})
	return q, err
}

// storedQuestionnaire returns the newest stored definition, storing the default as version
// 1 when none is stored, so that every report refers to a stored version.
func storedQuestionnaire(ctx context.Context, tx ReportStore, now time.Time) (desk.Questionnaire, error) {
	q, err := tx.Questionnaire(ctx, 0)
	if !desk.IsNotFound(err) {
		return q, err
	}
	q = desk.DefaultQuestionnaire()
	err = tx.CreateQuestionnaire(ctx, &q, nil, now)
	return q, err
}

// MaxDefinition caps an uploaded definition.
const MaxDefinition = 256 << 10

// ParseQuestionnaire reads a definition written in JSON or YAML, strictly: keys are
// compared exactly and unknown ones refused, so a misspelt key does not silently vanish;
// a value of the wrong type is named by its path (questions[0].kind) in plain words.
func ParseQuestionnaire(data []byte) (desk.Questionnaire, error) {
	var q desk.Questionnaire
	js, err := DefinitionJSON(data)
	if err != nil {
		return q, err
	}
	err = strictjson.Decode(js, &q)
	var syn *strictjson.SyntaxError
	var bad *strictjson.Error
	switch {
	case errors.As(err, &syn):
		return q, badDefinition("%s", syn.Msg)
	case errors.As(err, &bad):
		e := bad.Fields(func(p strictjson.Path) string {
			if len(p) == 0 {
				return "definition"
			}
			return p.Name()
		})
		e.Message = "the definition cannot be read"
		return q, e
	}
	return q, err
}

// DefinitionJSON returns the JSON text of a definition written in JSON or YAML: YAML is
// read into generic values and written as JSON, so both formats obey the same field names
// and the same strictness. Errors name the field "definition".
func DefinitionJSON(data []byte) ([]byte, error) {
	if len(data) > MaxDefinition {
		return nil, badDefinition("is larger than %d KiB", MaxDefinition>>10)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, badDefinition("is empty")
	}
	if trimmed[0] == '{' {
		return trimmed, nil
	}
	var doc yaml.Node
	var v any
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if err == nil {
		if e := duplicateKeys(&doc); e != nil {
			return nil, e
		}
		err = doc.Decode(&v)
	}
	if err != nil {
		return nil, badDefinition("is neither JSON nor valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	js, err := json.Marshal(v)
	if err != nil {
		return nil, badDefinition("uses YAML that has no JSON form (keys must be text)")
	}
	return js, nil
}

// duplicateKeys names every key that a YAML mapping holds twice, at its second
// occurrence, as JSON's duplicate keys are named (rule duplicate_key): yaml.v3 refuses
// them too, but as an error about the whole text. It returns nil when there are none.
// Aliases are not followed; a duplicate that only they make is left to yaml.v3.
func duplicateKeys(doc *yaml.Node) error {
	e := &desk.Error{Code: desk.EINVALID, Message: "the definition cannot be read"}
	var walk func(n *yaml.Node, path strictjson.Path)
	walk = func(n *yaml.Node, path strictjson.Path) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, append(path, strictjson.Segment{Index: i}))
			}
		case yaml.MappingNode:
			seen := map[string]bool{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				p := append(path, strictjson.Segment{Key: k.Value, Index: -1})
				if k.Kind == yaml.ScalarNode && seen[k.Value] {
					if len(e.Fields) < desk.MaxFieldErrors {
						e.Fields = append(e.Fields, desk.FieldError{Field: p.Name(), Rule: "duplicate_key",
							Message: fmt.Sprintf("is given more than once in this mapping (line %d)", k.Line)})
					} else {
						e.More++
					}
				}
				if k.Kind == yaml.ScalarNode {
					seen[k.Value] = true
				}
				walk(n.Content[i+1], p)
			}
		}
	}
	walk(doc, nil)
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// badDefinition is an error about a definition as a whole.
func badDefinition(format string, args ...any) error {
	return &desk.Error{Code: desk.EINVALID, Message: "the definition cannot be read",
		Fields: []desk.FieldError{{Field: "definition", Rule: "format", Message: fmt.Sprintf(format, args...)}}}
}
