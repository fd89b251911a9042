package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"meldpunt/internal/desk"
)

func (a *api) getMatrix(w http.ResponseWriter, r *http.Request) error {
	m, err := a.svc.incidents.PriorityMatrix(r.Context(), actor(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m.JSON())
}

// putMatrix replaces the priority matrix. The body is read loosely (any JSON values) and
// checked cell by cell here, so that a wrong cell is named (matrix.high.low) rather than
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
		return err
	}
	if err := a.svc.incidents.SetPriorityMatrix(r.Context(), actor(r), m); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m.JSON())
}

// matrixFromJSON reads {"high":{"high":"P1",…},…}, naming each row that is no object and
// each cell that is no priority. Missing and unknown keys are left to desk.MatrixJSON.
func matrixFromJSON(raw map[string]json.RawMessage) (desk.MatrixJSON, error) {
	var v desk.Validator
	j := desk.MatrixJSON{}
	for u, rowJSON := range raw {
		var row map[string]json.RawMessage
		if err := json.Unmarshal(rowJSON, &row); err != nil || row == nil {
			v.Add("matrix."+u, "type", "must be an object of impact → priority")
			continue
		}
		j[desk.Level(u)] = map[desk.Level]desk.Priority{}
		for i, cell := range row {
			var s string
			var p desk.Priority
			if json.Unmarshal(cell, &s) != nil || p.UnmarshalText([]byte(s)) != nil {
				v.Add("matrix."+u+"."+i, "one_of", "must be one of P1, P2, P3, P4, P5")
				continue
			}
			j[desk.Level(u)][desk.Level(i)] = p
		}
	}
	slices.SortFunc(v.Fields, func(a, b desk.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return j, v.Err()
}
