package gqlserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Automatic persisted queries (Apollo's APQ link): a client sends a query's SHA-256 alone and the
// full text only when the server does not know it yet. The texts are kept per replica in an LRU of
// apqEntries queries of at most apqMaxQueryBytes each (8 MiB at most); a longer query is run but
// not kept, so its client simply keeps sending it in full.
const (
	apqEntries       = 1000
	apqMaxQueryBytes = 8 << 10
)

// codeNotPersisted refuses, where an allow-list is configured, an operation that is not on it.
const codeNotPersisted = "PERSISTED_QUERY_NOT_IN_LIST"

func init() { errcode.RegisterErrorType(codeNotPersisted, errcode.KindProtocol) }

// apqCache is the bounded cache of automatic persisted queries.
type apqCache struct{ lru *lru.LRU[string] }

func newAPQCache() apqCache { return apqCache{lru.New[string](apqEntries)} }

func (c apqCache) Get(ctx context.Context, hash string) (string, bool) { return c.lru.Get(ctx, hash) }

func (c apqCache) Add(ctx context.Context, hash, query string) {
	if len(query) <= apqMaxQueryBytes {
		c.lru.Add(ctx, hash, query)
	}
}

// PersistedOperations is an allow-list of operations: their text by the hex SHA-256 of the text.
type PersistedOperations map[string]string

// LoadPersistedOperations reads an allow-list from an Apollo persisted query manifest (the JSON
// that @apollo/generate-persisted-query-manifest writes: {"format":
// "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "body", ...}]}). Every id
// must be its body's SHA-256, so that a list cannot name one text and run another.
func LoadPersistedOperations(path string) (PersistedOperations, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var manifest struct {
		Format     string `json:"format"`
		Version    int    `json:"version"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if manifest.Format != "apollo-persisted-query-manifest" || manifest.Version != 1 {
		return nil, fmt.Errorf("%s: not an apollo-persisted-query-manifest of version 1", path)
	}
	ops := PersistedOperations{}
	for i, op := range manifest.Operations {
		if sha256Hex(op.Body) != op.ID {
			return nil, fmt.Errorf("%s: operation %d: id is not the SHA-256 of its body", path, i)
		}
		ops[op.ID] = op.Body
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("%s: no operations: every request would be refused", path)
	}
	return ops, nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// allowList runs only the operations of ops: a request names one by its hash (APQ's
// extensions.persistedQuery.sha256Hash, its text then optional) or sends a text on the list. It
// runs before the APQ extension, which it hands the listed text.
type allowList struct{ ops PersistedOperations }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = allowList{}

func (allowList) ExtensionName() string                   { return "PersistedOperationsAllowList" }
func (allowList) Validate(graphql.ExecutableSchema) error { return nil }

func (l allowList) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	ext, _ := p.Extensions["persistedQuery"].(map[string]any)
	hash, _ := ext["sha256Hash"].(string)
	if hash == "" {
		hash = sha256Hex(p.Query)
	}
	body, ok := l.ops[hash]
	if !ok || (p.Query != "" && p.Query != body) {
		err := gqlerror.Errorf("this server runs only persisted operations, and this is not one of them")
		errcode.Set(err, codeNotPersisted)
		return err
	}
	p.Query = body
	return nil
}
