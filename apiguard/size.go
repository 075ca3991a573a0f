package apiguard

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// SizeLimit refuses documents that expand to more than MaxNodes selections or that select one
// field more than MaxRepeats times at the same response path, before gqlgen validates them or
// computes their complexity. Both of those walk the expanded document (validation compares the
// fields at one path pairwise), so without this a ~1 KB document of fragments that each spread
// the next twice, or a few KB of one field repeated, keeps a core busy for seconds to minutes.
// Measure reads every fragment once, so the check itself is linear in the document.
type SizeLimit struct {
	MaxNodes   int
	MaxRepeats int

	accepted *lru.LRU[struct{}] // hashes of documents already measured within the limits
}

// NewSizeLimit returns a SizeLimit that remembers the last 1000 documents it accepted, so a
// client repeating its queries does not have them parsed twice (gqlgen caches its own parse).
func NewSizeLimit(maxNodes, maxRepeats int) *SizeLimit {
	return &SizeLimit{MaxNodes: maxNodes, MaxRepeats: maxRepeats, accepted: lru.New[struct{}](1000)}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*SizeLimit)(nil)

// ExtensionName names the extension for gqlgen.
func (*SizeLimit) ExtensionName() string { return "SizeLimit" }

// Validate is called once when the handler is built.
func (s *SizeLimit) Validate(graphql.ExecutableSchema) error {
	if s.MaxNodes < 1 || s.MaxRepeats < 1 || s.accepted == nil {
		return fmt.Errorf("size limit: build it with NewSizeLimit and limits of at least 1")
	}
	return nil
}

// MutateOperationParameters measures the document before gqlgen parses and validates it. A
// document that does not parse passes: gqlgen reports the parse error itself.
func (s *SizeLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(p.Query))
	key := string(sum[:])
	if _, ok := s.accepted.Get(ctx, key); ok {
		return nil
	}
	if ctx.Err() != nil {
		return coded("REQUEST_CANCELLED", "the request ended before its operation was read")
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil
	}
	if _, gerr := Measure(ctx, doc, s.MaxNodes, s.MaxRepeats); gerr != nil {
		return gerr
	}
	s.accepted.Add(ctx, key, struct{}{})
	return nil
}
