// Package browsertest starts headless Chromium for tests, with chromedp, and
// keeps it off the network: only loopback addresses can be reached.
//
// It owns the browser's flags and life cycle and the recording of the
// requests a page makes. It must never let a test reach another host.
//
// A test gets a tab, bounds each step with a timeout, and checks where the
// page went:
//
//	ctx := browsertest.New(t)
//	reqs := browsertest.RecordRequests(t, ctx)
//	browsertest.Do(t, ctx, "load the page", chromedp.Navigate(srv.URL))
//	title := browsertest.Run(t, ctx, "read the title", chromedp.Title())
//	if out := reqs.OtherHosts(srv.Listener.Addr().String()); len(out) > 0 {
//		t.Errorf("requests left the test server: %v", out)
//	}
//
// Chromium comes from Debian: apt-get install -y chromium-headless-shell, or
// the full chromium package; either runs the same tests, headless. When both
// are installed chromium-headless-shell is used; set PONTE_CHROMIUM to a name
// on PATH or a path (PONTE_CHROMIUM=chromium) to pick one. Set
// PONTE_SKIP_BROWSER=1 to skip browser tests on a machine without Chromium.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// StepTimeout bounds each call of [Do] and [Run].
const StepTimeout = 30 * time.Second

// startTimeout bounds the start of the browser. It is applied by a timer,
// not by the context that starts the browser: that context lives as long as
// the browser does.
const startTimeout = 60 * time.Second

// WindowWidth and WindowHeight are the size of the browser window.
const (
	WindowWidth  = 1280
	WindowHeight = 800
)

// browserNames are the executables New looks for, in order.
var browserNames = []string{"chromium-headless-shell", "chromium"}

// browserEnv name the variables that pick the browser, in order: PONTE_CHROMIUM, and the older
// PONTE_BROWSER.
var browserEnv = []string{"PONTE_CHROMIUM", "PONTE_BROWSER"}

// FindBrowser returns the path of the Chromium executable: $PONTE_CHROMIUM
// (or $PONTE_BROWSER) if set, a name on PATH or a path; else
// chromium-headless-shell or chromium on PATH or in /usr/bin.
func FindBrowser() (string, error) {
	for _, env := range browserEnv {
		if p := os.Getenv(env); p != "" {
			path, err := exec.LookPath(p)
			if err != nil {
				return "", fmt.Errorf("%s=%s: %w", env, p, err)
			}
			return path, nil
		}
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
		p := filepath.Join("/usr/bin", name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found (looked for chromium-headless-shell and chromium on PATH and in /usr/bin); " +
		"install it with: apt-get install -y chromium-headless-shell " +
		"(or set PONTE_SKIP_BROWSER=1 to skip browser tests)")
}

// Flags returns the allocator options New starts Chromium with, for the
// executable at path.
//
// Besides headless mode and quiet defaults, two flags close the network:
// --host-resolver-rules makes every host name but localhost fail to resolve
// (so no DNS query leaves either), and --proxy-server sends every request
// that is not to a loopback address to a closed port on 127.0.0.1, which
// also stops requests to IP addresses, which the resolver rules cannot.
func Flags(path string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests often run as root, in containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.WindowSize(WindowWidth, WindowHeight),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"),
		// Port 9 (discard) on loopback: nothing listens, so the proxy
		// connection is refused at once. "<-loopback>" drops Chromium's
		// implicit bypass list (which also has link-local addresses); the
		// entries after it put loopback back.
		chromedp.Flag("proxy-server", "http://127.0.0.1:9"),
		chromedp.Flag("proxy-bypass-list", "<-loopback>;localhost;127.0.0.1;[::1]"),
	)
}

// New starts headless Chromium for the test and returns the context of a
// new tab in it. t.Cleanup closes the browser and removes its profile, a
// fresh temporary user-data-dir that chromedp creates for each browser.
//
// If no browser is found, New fails the test with the install command, or
// skips it when PONTE_SKIP_BROWSER=1.
//
// The returned context has no deadline, and it must not get one: the first
// action on a chromedp context binds the browser's life to it. Bound each
// step instead, with [Do], [Run] or [WithTimeout].
func New(t testing.TB) context.Context {
	t.Helper()
	path := requireBrowser(t)
	return start(t, path, Flags(path))
}

// requireBrowser returns the browser's path, or skips or fails the test as
// New documents.
func requireBrowser(t testing.TB) string {
	t.Helper()
	if os.Getenv("PONTE_SKIP_BROWSER") == "1" {
		t.Skip("PONTE_SKIP_BROWSER=1: skipping a test that needs Chromium")
	}
	path, err := FindBrowser()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// start starts the browser at path with opts, as New does.
func start(t testing.TB, path string, opts []chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	var output lockedBuffer
	opts = append(slices.Clip(opts), chromedp.CombinedOutput(&output))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit and its profile to go
	})

	// Start the browser now, on the context without a deadline, so that a
	// launch failure is reported here with the browser's own output.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	var err error
	select {
	case err = <-started:
	case <-timer.C:
		cancelTab()
		cancelAlloc()
		err = fmt.Errorf("no answer after %v", startTimeout)
	}
	if err != nil {
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", path, err, output.String())
	}
	return ctx
}

// WithTimeout returns a context for one step (one [chromedp.Do] or
// [chromedp.Run]) that ends after d. Cancelling it stops that step only;
// the browser and the tab stay open, because [New] started them on the
// parent context.
func WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// Do runs the actions within [StepTimeout] and fails the test if one fails.
// what says what the step does, for the failure message.
func Do(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := WithTimeout(ctx, StepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, whereThePageIs(ctx))
	}
}

// whereThePageIs says where a failed step left the tab (its address and the start of its text),
// read in a few seconds of its own: a step that timed out says what it was waiting on.
func whereThePageIs(ctx context.Context) string {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url, err := chromedp.Run(dctx, chromedp.Location())
	if err != nil {
		return "the page could not be read: " + err.Error()
	}
	text, err := chromedp.Run(dctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 1500) : "(no body yet)"`))
	if err != nil {
		text = "(its text could not be read: " + err.Error() + ")"
	}
	return "the page was " + url + ":\n" + text
}

// Run runs the action within [StepTimeout], fails the test if it fails,
// and returns its value.
func Run[T any](t testing.TB, ctx context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := WithTimeout(ctx, StepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, action)
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, whereThePageIs(ctx))
	}
	return v
}

// lockedBuffer collects the browser's output, which another goroutine
// writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 64<<10 { // keep the start, where launch errors are
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
