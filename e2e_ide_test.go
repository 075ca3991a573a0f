package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-bff/ponte/internal/browsertest"
)

// TestGraphiQLRunsAQueryAgainstTheRunningServer loads the IDE from the real server in headless
// Chromium, with every host but loopback unreachable, pastes a demo token and runs a query.
func TestGraphiQLRunsAQueryAgainstTheRunningServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	ctx := browsertest.New(t)
	reqs := browsertest.RecordRequests(t, ctx)

	query, _ := json.Marshal(`{ viewer { kind tenant { name } } }`)
	browsertest.Do(t, ctx, "load the IDE and run a query",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-container")),
		chromedp.SendKeys(chromedp.ID("ponte-ide-token"), tok),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+string(query)+`)`),
		void(chromedp.Poll[bool](`(function () {
  var cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
  return !!cm.documentAST && cm.documentAST.loc.source.body === `+string(query)+`;
})()`)),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
		void(chromedp.Poll[bool](`(document.querySelector('.result-window') || {textContent: ''}).textContent.includes('Demo ERP')`)),
	)
	// The schema loaded too (anonymous introspection, then with the token): the docs know Account.
	hasDocs := browsertest.Run(t, ctx, "open the docs", chromedp.Evaluate[bool](`(function () {
  var cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
  return !!(cm.options.lint && cm.options.lint.schema && cm.options.lint.schema.getType('Account'));
})()`))
	if !hasDocs {
		t.Error("GraphiQL has no schema with the Account type")
	}
	if others := reqs.NotLoopback(); len(others) > 0 {
		t.Errorf("the IDE reached beyond loopback: %v", others)
	}
}

// void turns an action with a result into one whose result is ignored, for browsertest.Do.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}
