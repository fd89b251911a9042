package ops

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"meldpunt/internal/desk"
	"meldpunt/internal/web"
)

// MaxHeartbeatBody bounds a heartbeat's body: a status and a short message fit many times.
const MaxHeartbeatBody = 4 << 10

// Heartbeats records the beats of heartbeat monitors; *app.Monitors is one.
type Heartbeats interface {
	Heartbeat(ctx context.Context, token, status, msg string) error
}

// RegisterHeartbeat adds the heartbeat push endpoint (issue 12, docs/monitors.md):
// GET or POST /heartbeat/{token}, with no sign-in (the token is the secret), an optional
// status (up or down) and msg, as query or form values. It answers 200 with
// {"status":"recorded"}, 404 for a token no monitor has, 400 for bad values; errors are
// problem documents.
func RegisterHeartbeat(mux *web.Mux, h Heartbeats, log *slog.Logger) {
	handle := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		r.Body = http.MaxBytesReader(w, r.Body, MaxHeartbeatBody)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				web.WriteProblem(w, r, log, desk.Errorf(desk.ETOOLARGE, "a heartbeat's body may hold at most %d bytes", MaxHeartbeatBody))
				return
			}
			var v desk.Validator
			v.Add("body", "form", "must be a form (status=up|down&msg=…) or empty")
			web.WriteProblem(w, r, log, v.Err())
			return
		}
		if err := h.Heartbeat(r.Context(), r.PathValue("token"), r.Form.Get("status"), r.Form.Get("msg")); err != nil {
			web.WriteProblem(w, r, log, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"recorded"}` + "\n"))
	}
	mux.HandleFunc("GET /heartbeat/{token}", handle)
	mux.HandleFunc("POST /heartbeat/{token}", handle)
}
