package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.0 document that describes this API, served at
// /api/v1/openapi.json. It is written by hand; a test holds it to the routes and to the
// answers the API really gives.
//
//go:embed openapi.json
var openAPIDoc []byte

func (a *api) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(openAPIDoc)
	return nil
}
