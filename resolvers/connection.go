package resolvers

import (
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/paging"
)

// relay turns one page of rows into a Relay connection's parts: each row's node and edge (with
// its opaque cursor), and the page info with the first and last cursors.
func relay[R, N, E any](rows []R, node func(R) N, cursor func(R) paging.Cursor, edge func(cursor string, node N) E,
	hasNext bool, p paging.Page) ([]E, []N, *model.PageInfo) {
	edges, nodes := make([]E, 0, len(rows)), make([]N, 0, len(rows))
	info := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: p.After != nil}
	for i, row := range rows {
		n, c := node(row), cursor(row).Encode()
		edges, nodes = append(edges, edge(c, n)), append(nodes, n)
		if i == 0 {
			info.StartCursor = &c
		}
		info.EndCursor = &c
	}
	return edges, nodes, info
}
