// Package web holds what every HTTP surface of Meldpunt shares: who is asking (sessions and
// API tokens), request ids, the one mapping from error codes to HTTP statuses, problem
// documents (RFC 9457), and the middleware around every request. The surfaces themselves
// live in sub-packages: api (JSON under /api/v1), console (the pages), ops (health, metrics).
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"meldpunt/internal/desk"
)

type ctxKey int

const (
	keyActor ctxKey = iota
	keyRequestID
	keySession
	keyUser
)

// Actor returns who is asking, and whether anyone signed in.
func Actor(ctx context.Context) (desk.Actor, bool) {
	a, ok := ctx.Value(keyActor).(desk.Actor)
	return a, ok
}

// User returns the signed-in user, when the request came with a session or token.
func User(ctx context.Context) (desk.User, bool) {
	u, ok := ctx.Value(keyUser).(desk.User)
	return u, ok
}

// Session returns the browser session of the request, if it came with one.
func Session(ctx context.Context) (desk.Session, bool) {
	s, ok := ctx.Value(keySession).(desk.Session)
	return s, ok
}

// RequestID returns the id that the logs and error pages give this request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// WithActor returns ctx carrying the actor (for tests and for the middleware).
func WithActor(ctx context.Context, a desk.Actor) context.Context {
	return context.WithValue(ctx, keyActor, a)
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ClientAddress returns the address of the client, for the audit log, the request log
// and the sign-in throttles: the one ResolveClient found, which is the TCP peer unless
// that is a trusted proxy (Proxies.Client). Without ResolveClient it is the TCP peer.
func ClientAddress(r *http.Request) string {
	if a, ok := r.Context().Value(clientKey{}).(string); ok {
		return a
	}
	return Proxies{}.Client(r)
}
