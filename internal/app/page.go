package app

// Page is one page of a list and the cursor of the next, 0 on the last page.
type Page[T any] struct {
	Items []T
	Next  int64
}

// Page sizes: a list's page when the caller asks none, and the most a caller may ask.
const (
	defaultPage = 50
	maxPage     = 200
)

// paged reads one page of a list whose cursor is the id of the last item shown. It sets
// *limit (the caller's filter's limit) to the page size, def when the caller asked none or
// more than max; read then reads one item more than the page, and that extra item tells
// that a next page follows.
func paged[T any](limit *int, def, max int, read func() ([]T, error), id func(T) int64) (Page[T], error) {
	if *limit <= 0 || *limit > max {
		*limit = def
	}
	n := *limit
	*limit++ // one more tells whether there is a next page
	items, err := read()
	if err != nil {
		return Page[T]{}, err
	}
	p := Page[T]{Items: items}
	if len(items) > n {
		p.Items = items[:n]
		p.Next = id(items[n-1])
	}
	return p, nil
}
