package app

import "time"

// WithClock returns the same services reading the time from now: the same store, logger and
// configuration, with caches of their own. The demo uses it to tell a story with a past
// (status history, incidents resolved weeks ago) through the ordinary use cases, so what it
// stores is validated and audited like anything else.
func (s *Services) WithClock(now func() time.Time) *Services {
	c := s.core
	return newServices(&core{store: c.store, now: now, log: c.log, cfg: c.cfg})
}

// Now is the time by the services' clock, to the millisecond the store keeps.
func (s *Services) Now() time.Time { return s.core.clock() }
