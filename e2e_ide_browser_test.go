package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/internal/browsertest"
)

// waitIDEResult waits until GraphiQL's result pane shows want.
func waitIDEResult(want string) chromedp.Action[bool] {
	b, _ := json.Marshal(want)
	return chromedp.Poll[bool](`(document.querySelector('.result-window') || {textContent: ''}).textContent.includes(` + string(b) + `)`)
}

// waitVerdict waits until the token bar shows the server's verdict want ("valid", or a reason).
func waitVerdict(want string) chromedp.Action[bool] {
	b, _ := json.Marshal(want)
	return chromedp.Poll[bool](`document.getElementById('ponte-ide-status').getAttribute('data-verdict') === ` + string(b))
}

// measureOverflow measures how far the page reaches: the viewport's width, the document's and
// the body's scroll widths, and the right edge of the widest element that no box inside the body
// scrolls or clips (the tab strip and an editor's long lines scroll within their boxes).
const measureOverflow = `(function () {
  function contained(e) {
    for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') { return true; }
    }
    return false;
  }
  var out = {viewport: window.innerWidth, document: document.documentElement.scrollWidth, body: document.body.scrollWidth};
  var widest = 0;
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > widest && !contained(e)) { widest = r.right; }
  });
  out.widest = widest;
  return out;
})()`

// TestIDEFirstHourInBrowser is a newcomer's first hour: the IDE gets a demo token with one
// button, runs the first example, the server restarts on the same database and the same token
// still works; and on a 390 px phone nothing is wider than the screen.
func TestIDEFirstHourInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	t.Parallel()
	s := startRestartable(t, nil)
	ctx := browsertest.New(t)

	browsertest.Do(t, ctx, "open the IDE and get a demo-erp token",
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
		chromedp.Click(chromedp.CSS(`.ponte-ide-demo-client[data-client="demo-erp"]`)),
		void(waitVerdict("valid")),
	)
	first := browsertest.Run(t, ctx, "read the first tab", chromedp.Evaluate[string](
		`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`))
	if !bytes.Contains([]byte(first), []byte("query WhoAmI")) {
		t.Fatalf("the IDE does not open with the first example; editor: %q", first)
	}
	tabs := browsertest.Run(t, ctx, "count the tabs", chromedp.Evaluate[int](`document.querySelectorAll('.graphiql-tab').length`))
	if tabs < 5 {
		t.Errorf("the IDE opens with %d tabs, want the journey's examples", tabs)
	}
	browsertest.Do(t, ctx, "run the first example",
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
		void(waitIDEResult(`"clientId": "demo-erp"`)),
	)
	token := browsertest.Run(t, ctx, "read the token", chromedp.Value(chromedp.ID("ponte-ide-token")))

	s.restart(t)
	if r := gql(t, s.testServer, token, `{ viewer { clientId } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("the IDE's token is refused after the restart: %+v", r.Errors)
	}
	browsertest.Do(t, ctx, "reload the IDE after the restart and run the example again",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
		void(waitVerdict("valid")),
		chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
		void(waitIDEResult(`"clientId": "demo-erp"`)),
	)

	t.Run("HolderLoginInAPopup", func(t *testing.T) {
		opened := chromedp.WaitNewTarget(ctx, func(i *target.Info) bool { return i.Type == "page" && i.OpenerID != "" })
		browsertest.Do(t, ctx, "press Holder login", chromedp.Click(chromedp.ID("ponte-ide-holder-login")))
		var popup target.ID
		select {
		case popup = <-opened:
		case <-time.After(browsertest.StepTimeout):
			t.Fatal("no login window opened")
		}
		pctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(popup))
		defer cancel()
		browsertest.Do(t, pctx, "log in as the holder in the popup",
			chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "holder"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "holder"),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		)
		browsertest.Do(t, ctx, "the IDE gets the holder's token",
			void(chromedp.Poll[bool](`document.getElementById('ponte-ide-status').textContent.includes('`+devidp.DemoIDEClientID+`')`)),
			void(waitVerdict("valid")))
		holder := browsertest.Run(t, ctx, "read the token", chromedp.Value(chromedp.ID("ponte-ide-token")))
		var v struct{ Kind, Document string }
		gql(t, s.testServer, holder, `{ viewer { kind document } }`, nil).decode(t, "viewer", &v)
		if v.Kind != "HOLDER" || v.Document != devidp.DemoHolderDocument {
			t.Errorf("the holder login's token is for %+v", v)
		}
	})

	t.Run("ExpiredTokenShowsTheServersVerdict", func(t *testing.T) {
		expired := signDevToken(t, mustStoredKey(t, s.testServer), devClaims(s.Issuer, "ponte", -1), map[string]any{"client_id": "demo-erp"})
		b, _ := json.Marshal(expired)
		browsertest.Do(t, ctx, "paste an expired token",
			chromedp.Evaluate[chromedp.Void](`(function () {
  var i = document.getElementById('ponte-ide-token');
  i.value = `+string(b)+`;
  i.dispatchEvent(new Event('change'));
})()`),
			void(waitVerdict("EXPIRED")),
		)
	})

	t.Run("NothingOverflowsAt390px", func(t *testing.T) {
		browsertest.Do(t, ctx, "load the IDE on a 390 px screen",
			chromedp.EmulateViewport(390, 844),
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
		)
		// An element may reach past the edge only inside a box that scrolls or clips it (the
		// tab strip, an editor's long line), never past the screen itself.
		widths := browsertest.Run(t, ctx, "measure", chromedp.Evaluate[map[string]float64](measureOverflow))
		t.Logf("at 390 px: %v", widths)
		if widths["widest"] > 390.5 {
			over := browsertest.Run(t, ctx, "name what overflows", chromedp.Evaluate[[]string](`(function () {
  function contained(e) {
    for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') { return true; }
    }
    return false;
  }
  var out = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > 391 && out.length < 15 && !contained(e)) { out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.left) + '-' + Math.round(r.right)); }
  });
  return out;
})()`))
			t.Logf("overflowing: %q", over)
		}
		if widths["viewport"] != 390 {
			t.Fatalf("viewport is %v px wide, want 390", widths["viewport"])
		}
		for _, k := range []string{"document", "body", "widest"} {
			if widths[k] > 390.5 {
				t.Errorf("%s reaches %v px on a 390 px screen", k, widths[k])
			}
		}
		browsertest.Do(t, ctx, "get a new token and run the example on the phone",
			chromedp.Click(chromedp.CSS(`.ponte-ide-demo-client[data-client="demo-erp"]`)),
			void(waitVerdict("valid")),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
			void(waitIDEResult(`"clientId": "demo-erp"`)),
		)
		response := browsertest.Run(t, ctx, "measure the response pane", chromedp.Evaluate[map[string]float64](`(function () {
  var r = document.querySelector('.graphiql-response').getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width, height: r.height};
})()`))
		if response["right"] > 390.5 || response["width"] < 250 || response["height"] < 150 {
			t.Errorf("on a phone the response pane is %v: not readable beside the editor", response)
		}
		browsertest.Do(t, ctx, "open the documentation explorer on the phone",
			chromedp.Click(chromedp.CSS(`button[aria-label="Show Documentation Explorer"]`)),
			chromedp.WaitVisible(chromedp.CSS(".graphiql-doc-explorer")),
		)
		docs := browsertest.Run(t, ctx, "measure with the docs open", chromedp.Evaluate[map[string]float64](measureOverflow))
		for _, k := range []string{"document", "body", "widest"} {
			if docs[k] > 390.5 {
				t.Errorf("with the docs open, %s reaches %v px on a 390 px screen", k, docs[k])
			}
		}
		shot := browsertest.Run(t, ctx, "full-page screenshot", chromedp.FullScreenshot(100))
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatal(err)
		}
		if w := img.Bounds().Dx(); w != 390 {
			t.Errorf("the full-page screenshot is %d px wide, want the viewport's 390", w)
		}
		_ = os.WriteFile(filepath.Join(os.TempDir(), "ponte-ide-390.png"), shot, 0o644)
		browsertest.Do(t, ctx, "close the docs: the editors come back",
			chromedp.Click(chromedp.CSS(`button[aria-label="Hide Documentation Explorer"]`)),
			chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
		)
	})
}
