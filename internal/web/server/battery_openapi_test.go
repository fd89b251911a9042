package server

// The part of the OpenAPI document the malformed-input battery reads: the operations, their
// parameters and their bodies' schemas.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// oaSchema is the part of an OpenAPI schema the battery reads.
type oaSchema struct {
	Ref                  string               `json:"$ref"`
	Type                 string               `json:"type"`
	Properties           map[string]*oaSchema `json:"properties"`
	Required             []string             `json:"required"`
	Items                *oaSchema            `json:"items"`
	Enum                 []any                `json:"enum"`
	MaxLength            *int                 `json:"maxLength"`
	MaxItems             *int                 `json:"maxItems"`
	Maximum              *float64             `json:"maximum"`
	ReadOnly             bool                 `json:"readOnly"`
	Pattern              string               `json:"pattern"`
	OneOf                []*oaSchema          `json:"oneOf"`
	AdditionalProperties json.RawMessage      `json:"additionalProperties"`
}

// oaParam is a path or query parameter.
type oaParam struct {
	Ref    string    `json:"$ref"`
	Name   string    `json:"name"`
	In     string    `json:"in"`
	Schema *oaSchema `json:"schema"`
}

// oaOperation is one method on one path of the document.
type oaOperation struct {
	Method, Path string // GET, /api/v1/incidents/{id}
	Params       []oaParam
	Bodies       map[string]*oaSchema // media type → schema
	// Public says the operation needs no sign-in (security: []).
	Public bool
	// StaffOnly says the summary reserves the operation to the provider's staff: "(admin)",
	// "(admin; …)", "(desk)", "(staff…)", unless it names what a client does too.
	StaffOnly bool
}

func (o oaOperation) key() string { return o.Method + " " + o.Path }

// oaDoc is the OpenAPI document.
type oaDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas    map[string]*oaSchema `json:"schemas"`
		Parameters map[string]oaParam   `json:"parameters"`
	} `json:"components"`
}

// operations lists every operation of the document, in a fixed order: by path, and on each
// path the methods that remove or change things last, so that a DELETE that (wrongly)
// succeeds leaves the other operations their object.
func (d *oaDoc) operations() ([]oaOperation, error) {
	var ops []oaOperation
	rank := map[string]int{"GET": 0, "PUT": 1, "PATCH": 2, "POST": 3, "DELETE": 4}
	for path, item := range d.Paths {
		var shared []oaParam
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("%s parameters: %w", path, err)
			}
		}
		for m, raw := range item {
			if m == "parameters" {
				continue
			}
			var op struct {
				Summary     string             `json:"summary"`
				Security    *[]json.RawMessage `json:"security"`
				Parameters  []oaParam          `json:"parameters"`
				RequestBody *struct {
					Content map[string]struct {
						Schema *oaSchema `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, path, err)
			}
			o := oaOperation{Method: strings.ToUpper(m), Path: path, Bodies: map[string]*oaSchema{},
				Public: op.Security != nil && len(*op.Security) == 0, StaffOnly: staffOnly.MatchString(op.Summary) && !strings.Contains(op.Summary, "(client)") && !strings.Contains(op.Summary, "or (staff)")}
			for _, p := range append(slices.Clone(shared), op.Parameters...) {
				if p.Ref != "" {
					p = d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				o.Params = append(o.Params, p)
			}
			if op.RequestBody != nil {
				for mt, c := range op.RequestBody.Content {
					o.Bodies[mt] = d.resolve(c.Schema)
				}
			}
			ops = append(ops, o)
		}
	}
	slices.SortFunc(ops, func(a, b oaOperation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return rank[a.Method] - rank[b.Method]
	})
	return ops, nil
}

// staffOnly finds the role a summary reserves an operation to.
var staffOnly = regexp.MustCompile(`\((admin|desk|staff)[);]`)

// resolve follows a $ref.
func (d *oaDoc) resolve(s *oaSchema) *oaSchema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}
