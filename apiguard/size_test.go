package apiguard_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/ponte-bff/ponte/apiguard"
)

// nestedFragments is the probe's document: n fragments that each spread the next twice, so the
// last one's field is selected 2^n times.
func nestedFragments(n int) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { viewer { kind } }\n", n)
	return b.String()
}

func parse(t testing.TB, q string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, q)
	}
	return doc
}

func TestMeasureRefusesNestedFragmentsWithoutExpandingThem(t *testing.T) {
	for _, n := range []int{25, 30, 60} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			doc := parse(t, nestedFragments(n))
			shape, err := apiguard.Measure(context.Background(), doc, 2000, 24)
			if err == nil || err.Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
				t.Fatalf("want COMPLEXITY_LIMIT_EXCEEDED, got %v", err)
			}
			// 3 selections per fragment and 1 in the operation, each visited once.
			if written := 3*n + 3; shape.Work > written {
				t.Fatalf("measure visited %d selections; the document has %d", shape.Work, written)
			}
		})
	}
}

func TestMeasureAcceptsOrdinaryOperations(t *testing.T) {
	cases := map[string]string{
		"Plain":         `{ viewer { kind tenant { name } } accounts(first: 10) { nodes { id name } } }`,
		"SharedFragmnt": `{ a: account(id: "1") { ...A } b: account(id: "2") { ...A } } fragment A on Account { id name bankAccount { accountCode } }`,
		"Introspection": introspectionQuery,
		"FewRepeats":    `{ viewer { kind ... on Viewer { kind } ...V } } fragment V on Viewer { kind }`,
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			if shape, err := apiguard.Measure(context.Background(), parse(t, q), 2000, 24); err != nil {
				t.Fatalf("refused (%+v): %v", shape, err)
			}
		})
	}
}

func TestMeasureRefuses(t *testing.T) {
	cases := map[string]struct{ query, code string }{
		"OneFieldRepeated": {`{ viewer { ` + strings.Repeat("kind ", 25) + `} }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		// 20 × 20 fields at viewer.kind: validation would compare 80,000 pairs.
		"RepeatedThroughParents": {`{ ` + strings.Repeat(`viewer { `+strings.Repeat("kind ", 20)+`} `, 20) + `}`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"Wide":                   {`{ ` + strings.Repeat(`a: viewer { kind } `, 1) + strings.Repeat(`...F `, 2001) + `} fragment F on Query { __typename }`, "COMPLEXITY_LIMIT_EXCEEDED"},
		"Cycle":                  {`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, "GRAPHQL_VALIDATION_FAILED"},
		"UnusedFragment":         {`query { viewer { kind } } fragment A on Query { ...A ...A }`, "GRAPHQL_VALIDATION_FAILED"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := apiguard.Measure(context.Background(), parse(t, c.query), 2000, 24)
			if err == nil || err.Extensions["code"] != c.code {
				t.Fatalf("want %s, got %v", c.code, err)
			}
		})
	}
}

func TestMeasureStopsWhenTheRequestEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A wide document: thousands of selections to visit.
	q := `{ ` + strings.Repeat(`viewer { kind } `, 3000) + `}`
	shape, err := apiguard.Measure(ctx, parse(t, q), 1<<20, 1<<20)
	if err == nil || err.Extensions["code"] != "REQUEST_CANCELLED" {
		t.Fatalf("want REQUEST_CANCELLED, got %v", err)
	}
	if shape.Work > 1024 {
		t.Fatalf("went on for %d selections after the request ended", shape.Work)
	}
}

// BenchmarkMeasureNestedFragments: the probe's 30-level document, refused in microseconds
// (gqlgen's complexity alone took ~22 s at 25 levels).
func BenchmarkMeasureNestedFragments(b *testing.B) {
	doc := parse(b, nestedFragments(30))
	for b.Loop() {
		if _, err := apiguard.Measure(context.Background(), doc, 2000, 24); err == nil {
			b.Fatal("accepted")
		}
	}
}

// FuzzMeasureWorkIsLinear builds a fragment graph from the input (how many fragments, which
// fragments each one spreads and how often, cycles included) and checks that the measure visits
// O(selections written) + O(limit) selections, never the expansion, and that its count of the
// expansion is exact up to the limit.
func FuzzMeasureWorkIsLinear(f *testing.F) {
	f.Add([]byte{25, 2, 1, 2, 1})
	f.Add([]byte{30, 3, 1, 1, 1, 2, 2})
	f.Add([]byte{4, 0, 0, 0, 0, 0})
	f.Add([]byte{12, 5, 3, 7, 1, 9, 200, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		const maxNodes, maxRepeats = 2000, 24
		q, written, expanded := fragmentGraph(data)
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatalf("generated an unparsable document: %v\n%s", err, q)
		}
		start := time.Now()
		shape, gerr := apiguard.Measure(context.Background(), doc, maxNodes, maxRepeats)
		if bound := written + maxNodes + 1; shape.Work > bound {
			t.Fatalf("visited %d selections; bound %d (written %d)\n%s", shape.Work, bound, written, q)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("measure took %s", d)
		}
		if expanded < 0 { // a cycle
			if gerr == nil {
				t.Fatalf("accepted a fragment cycle\n%s", q)
			}
			return
		}
		if want := min(expanded, maxNodes+1); gerr == nil || shape.Nodes == maxNodes+1 {
			if shape.Nodes != want {
				t.Fatalf("nodes %d, want %d\n%s", shape.Nodes, want, q)
			}
		}
		if gerr == nil && expanded > maxNodes {
			t.Fatalf("accepted %d expanded selections\n%s", expanded, q)
		}
	})
}

// fragmentGraph turns data into a document: data[0] fragments (at most 40), then for each
// fragment a byte whose low bits say how many spreads it has and, in turn, bytes choosing their
// targets (usually later fragments, sometimes earlier ones: cycles). It returns the document,
// how many selections it writes, and its expanded size (saturated at 1<<40; -1 with a cycle).
func fragmentGraph(data []byte) (string, int, int) {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	n := int(next())%40 + 1
	spreads := make([][]int, n)
	for i := range n {
		k := int(next()) % 6
		for range k {
			b := next()
			target := i + 1 + int(b)%3
			if b >= 250 { // rarely: back to an earlier fragment
				target = int(b) % (i + 1)
			}
			spreads[i] = append(spreads[i], target)
		}
	}
	var doc strings.Builder
	doc.WriteString("query { ...F0 }\n")
	written := 1
	for i := range n {
		fmt.Fprintf(&doc, "fragment F%d on Query { viewer { kind }", i)
		written += 2
		for _, t := range spreads[i] {
			if t >= n {
				t = n - 1
				if t == i {
					continue
				}
			}
			fmt.Fprintf(&doc, " ...F%d", t)
			written++
		}
		doc.WriteString(" }\n")
	}
	// The expanded size, by the same memoisation in another form.
	const huge = 1 << 40
	memo := make([]int, n)
	state := make([]int, n)
	var size func(i int) int
	size = func(i int) int {
		if state[i] == 2 {
			return memo[i]
		}
		if state[i] == 1 {
			return -1
		}
		state[i] = 1
		total := 2 // viewer, kind
		for _, t := range spreads[i] {
			if t >= n {
				t = n - 1
				if t == i {
					continue
				}
			}
			s := size(t)
			if s < 0 {
				return -1
			}
			total = min(total+1+s, huge)
		}
		state[i], memo[i] = 2, total
		return total
	}
	s := size(0)
	if s >= 0 {
		s = min(s+1, huge) // the operation's spread of F0
	}
	// Fragments not reached from F0 are unused: Measure refuses them, and their size does not count.
	return doc.String(), written, s
}

// introspectionQuery is the schema query GraphiQL sends.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

// FuzzMeasureAnyDocument measures any document that parses (unknown and duplicate fragments,
// cycles, several operations) and checks the same bound: the selections written, plus the limit.
func FuzzMeasureAnyDocument(f *testing.F) {
	f.Add(nestedFragments(25))
	f.Add(introspectionQuery)
	f.Add(`query A { ...X } query B { ...X ...Y } fragment X on Query { viewer { kind ...Z } } fragment Y on Query { ...X ...X }`)
	f.Add(`{ ...A } fragment A on Query { ...A } fragment A on Query { viewer { kind } }`)
	f.Add(`{ a: viewer { kind } b: viewer { ... on Viewer { kind kind } } }`)
	f.Fuzz(func(t *testing.T, q string) {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			return
		}
		written := 0
		var count func(ast.SelectionSet)
		count = func(set ast.SelectionSet) {
			for _, sel := range set {
				written++
				switch s := sel.(type) {
				case *ast.Field:
					count(s.SelectionSet)
				case *ast.InlineFragment:
					count(s.SelectionSet)
				}
			}
		}
		for _, op := range doc.Operations {
			count(op.SelectionSet)
		}
		for _, fr := range doc.Fragments {
			count(fr.SelectionSet)
		}
		const maxNodes = 100
		shape, _ := apiguard.Measure(context.Background(), doc, maxNodes, 5)
		if bound := written + maxNodes + 1; shape.Work > bound {
			t.Fatalf("visited %d selections; bound %d\n%s", shape.Work, bound, q)
		}
	})
}
