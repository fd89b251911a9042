package app

import "context"

// PageVersion reads the status page's change counter (migration 11): triggers move it in
// every transaction that writes what the public page shows. The page's snapshot
// (internal/web/snapshot) is current while it has not moved. It needs no actor: the number
// tells nothing but that something changed.
func (a *Components) PageVersion(ctx context.Context) (v int64, err error) {
	err = a.db.read(ctx, func(tx componentTx) error {
		v, err = tx.StatusPageVersion(ctx)
		return err
	})
	return v, err
}

// NotifyWrites returns store, calling written after every write transaction that committed,
// so this instance can look at the status page's change counter at once instead of at its
// next poll. written must not block.
func NotifyWrites(store Store, written func()) Store {
	return notifyingStore{Store: store, written: written}
}

type notifyingStore struct {
	Store
	written func()
}

func (s notifyingStore) Write(ctx context.Context, fn func(Tx) error) error {
	err := s.Store.Write(ctx, fn)
	if err == nil {
		s.written()
	}
	return err
}
