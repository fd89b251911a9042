package app

import (
	"sync"
	"time"

	"meldpunt/internal/desk"
)

// tokenTTL is how long a checked API token is trusted without asking the database again.
// Revoking a token or deactivating a user takes effect at once on the instance that did it
// (it clears the cache) and within tokenTTL on any other instance sharing the database.
const tokenTTL = 10 * time.Second

// maxCachedTokens bounds the cache; when full it starts over.
const maxCachedTokens = 10000

// tokenCache remembers recently checked API tokens by their hash. Checking a token is two
// queries in a read transaction; an integration calling the API in a loop pays it once per
// tokenTTL instead of on every request.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
}

type cachedToken struct {
	token   desk.Token
	user    desk.User
	checked time.Time
}

func (c *tokenCache) get(hash []byte, now time.Time) (cachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[string(hash)]
	if !ok || now.Sub(e.checked) >= tokenTTL || now.Before(e.checked) {
		return cachedToken{}, false
	}
	return e, true
}

func (c *tokenCache) put(hash []byte, e cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedTokens {
		c.entries = map[string]cachedToken{}
	}
	c.entries[string(hash)] = e
}

// clear forgets every token, after a change that may revoke one.
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
}
