package apiguard_test

import (
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ponte-bff/ponte/apiguard"
)

func TestNoFieldIsResolvedOnceTheRequestEnded(t *testing.T) {
	ran := false
	next := func(context.Context) (any, error) { ran = true; return "ok", nil }
	if res, err := (apiguard.StopWhenCancelled{}).InterceptField(context.Background(), next); err != nil || res != "ok" || !ran {
		t.Fatalf("live request: %v %v (ran %v)", res, err, ran)
	}
	ran = false
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (apiguard.StopWhenCancelled{}).InterceptField(ctx, next)
	var gerr *gqlerror.Error
	if ran || !errors.As(err, &gerr) || gerr.Extensions["code"] != "REQUEST_CANCELLED" {
		t.Fatalf("ended request: resolver ran %v, err %v", ran, err)
	}
}

func TestSizeLimitRefusesBeforeParsingAgainAndPassesWhatDoesNotParse(t *testing.T) {
	s := apiguard.NewSizeLimit(2000, 24)
	if err := s.Validate(nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.MutateOperationParameters(ctx, &graphql.RawParams{Query: nestedFragments(30)}); err == nil || err.Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("nested fragments: %v", err)
	}
	for _, q := range []string{`{ viewer { kind } }`, `{ viewer { kind } }`, `{ not graphql`, ``} {
		if err := s.MutateOperationParameters(ctx, &graphql.RawParams{Query: q}); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
	}
	if err := (&apiguard.SizeLimit{MaxNodes: 1, MaxRepeats: 1}).Validate(nil); err == nil {
		t.Fatal("a SizeLimit not built by NewSizeLimit validated")
	}
}
