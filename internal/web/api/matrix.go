package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"meldpunt/internal/desk"
	"meldpunt/internal/strictjson"
)

func (a *api) getMatrix(w http.ResponseWriter, r *http.Request) error {
	m, err := a.svc.incidents.PriorityMatrix(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m.JSON())
}

// putMatrix replaces the priority matrix. The body is read loosely (any JSON values) and
// checked cell by cell here, so that a wrong cell is named (/high/low) rather than
// reported as an anonymous decoding error.
func (a *api) putMatrix(w http.ResponseWriter, r *http.Request) error {
	var raw map[string]json.RawMessage
	if err := decode(w, r, &raw); err != nil {
		return err
	}
	j, err := matrixFromJSON(raw)
	if err != nil {
		return err
	}
	m, err := j.Matrix()
	if err != nil {
		return matrixFields(err)
	}
	if err := a.svc.incidents.SetPriorityMatrix(r.Context(), actor(r), m); err != nil {
		return matrixFields(err)
	}
	return writeJSON(w, http.StatusOK, m.JSON())
}

// matrixFromJSON reads {"high":{"high":"P1",…},…}, naming each key that is no level,
// each row that is no object and each cell that is no priority. Missing keys are left to
// desk.MatrixJSON.
func matrixFromJSON(raw map[string]json.RawMessage) (desk.MatrixJSON, error) {
	var v desk.Validator
	j := desk.MatrixJSON{}
	at := func(keys ...string) string {
		p := make(strictjson.Path, len(keys))
		for i, k := range keys {
			p[i] = strictjson.Segment{Key: k, Index: -1}
		}
		return p.Pointer()
	}
	for u, rowJSON := range raw {
		if !slices.Contains(desk.LevelNames(), u) {
			v.Add(at(u), "one_of", "urgency must be one of: %s", strings.Join(desk.LevelNames(), ", "))
			continue
		}
		var row map[string]json.RawMessage
		if err := json.Unmarshal(rowJSON, &row); err != nil || row == nil {
			v.Add(at(u), "type", "must be an object of impact → priority")
			continue
		}
		j[desk.Level(u)] = map[desk.Level]desk.Priority{}
		for i, cell := range row {
			if !slices.Contains(desk.LevelNames(), i) {
				v.Add(at(u, i), "one_of", "impact must be one of: %s", strings.Join(desk.LevelNames(), ", "))
				continue
			}
			var s string
			var p desk.Priority
			if json.Unmarshal(cell, &s) != nil || p.UnmarshalText([]byte(s)) != nil {
				v.Add(at(u, i), "one_of", "must be one of P1, P2, P3, P4, P5")
				continue
			}
			j[desk.Level(u)][desk.Level(i)] = p
		}
	}
	slices.SortFunc(v.Fields, func(a, b desk.FieldError) int { return strings.Compare(a.Field, b.Field) })
	if len(v.Fields) > 0 {
		// Every problem at once (docs/api.md): with a wrong cell, also the missing ones,
		// which desk.MatrixJSON would name otherwise. A cell or row named already is not
		// missing.
		named := func(f string) bool {
			return slices.ContainsFunc(v.Fields, func(e desk.FieldError) bool { return e.Field == f })
		}
		for _, u := range desk.LevelNames() {
			if named(at(u)) {
				continue
			}
			for _, i := range desk.LevelNames() {
				if _, ok := j[desk.Level(u)][desk.Level(i)]; !ok && !named(at(u, i)) {
					v.Add(at(u, i), "required", "is required")
				}
			}
		}
	}
	return j, v.Err()
}

// matrixFields names the cells of the domain's errors about a matrix (matrix.high.low) by
// pointers into the body, which is the matrix (/high/low). Their keys are levels.
func matrixFields(err error) error {
	var e *desk.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		if rest, ok := strings.CutPrefix(f.Field, "matrix."); ok {
			out.Fields[i].Field = "/" + strings.ReplaceAll(rest, ".", "/")
		}
	}
	return &out
}
