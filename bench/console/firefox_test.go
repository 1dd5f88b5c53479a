//go:build browser

package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// bidiWatch keeps what Firefox reported that the test forbids: error log
// entries (uncaught exceptions, console.error, CSP refusals) and requests
// outside ringd, each with the step the test was at.
type bidiWatch struct {
	seen
	step     string
	internal int
}

func (w *bidiWatch) at(step string) {
	w.mu.Lock()
	w.step = step
	w.mu.Unlock()
}

// internalSchemes are Firefox's own: no network request.
var internalSchemes = map[string]bool{
	"about": true, "moz-extension": true, "data": true, "resource": true, "chrome": true,
	"blob": true, "moz-icon": true, "moz-page-thumb": true, "view-source": true, "javascript": true,
}

func (w *bidiWatch) event(method string, params json.RawMessage) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch method {
	case "log.entryAdded":
		var e struct {
			Type       string `json:"type"`
			Level      string `json:"level"`
			Text       string `json:"text"`
			Method     string `json:"method"`
			StackTrace *struct {
				CallFrames []struct {
					URL        string `json:"url"`
					LineNumber int    `json:"lineNumber"`
				} `json:"callFrames"`
			} `json:"stackTrace"`
		}
		if err := json.Unmarshal(params, &e); err != nil {
			w.errs = append(w.errs, fmt.Sprintf("%s: unreadable log entry %s: %v", w.step, params, err))
			return
		}
		if e.Level != "error" {
			return
		}
		where := ""
		if e.StackTrace != nil && len(e.StackTrace.CallFrames) > 0 {
			f := e.StackTrace.CallFrames[0]
			where = fmt.Sprintf(" (%s:%d)", f.URL, f.LineNumber+1)
		}
		kind := e.Type
		if e.Type == "console" {
			kind = "console." + e.Method
		}
		w.errs = append(w.errs, fmt.Sprintf("%s: %s: %s%s", w.step, kind, e.Text, where))
	case "network.beforeRequestSent":
		var e struct {
			Request struct {
				URL    string `json:"url"`
				Method string `json:"method"`
			} `json:"request"`
		}
		if err := json.Unmarshal(params, &e); err != nil {
			w.errs = append(w.errs, fmt.Sprintf("%s: unreadable request event %s: %v", w.step, params, err))
			return
		}
		u := e.Request.URL
		if p, err := url.Parse(u); err == nil && internalSchemes[p.Scheme] {
			w.internal++
			return
		}
		w.reqs++
		if u != w.base && !strings.HasPrefix(u, w.base+"/") {
			w.foreign = append(w.foreign, fmt.Sprintf("%s: %s %s", w.step, e.Request.Method, u))
		}
	}
}

// TestConsoleInFirefox drives the console in headless Firefox (Debian's
// firefox-esr) over WebDriver BiDi: sign-in, live updates, the ring group
// form (member rows moved and added, a refused value), every page once; no
// error log entry and no request outside ringd.
func TestConsoleInFirefox(t *testing.T) {
	bin, err := exec.LookPath("firefox-esr")
	if err != nil {
		t.Fatalf("firefox-esr not on PATH (apt-get install firefox-esr; make e2e does): %v", err)
	}
	started := time.Now()
	_, base := startRingd(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ff := startFirefox(t, bin)
	w := &bidiWatch{seen: seen{base: base}, step: "start"}
	b, err := dialBiDi(ctx, ff.agent+"/session", w.event)
	if err != nil {
		t.Fatalf("connect to Firefox's remote agent: %v", err)
	}
	var sess struct {
		SessionID    string `json:"sessionId"`
		Capabilities struct {
			BrowserName    string `json:"browserName"`
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := b.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, &sess); err != nil {
		b.close()
		t.Fatal(ff.why(b, err))
	}
	ended := false
	t.Cleanup(func() {
		if !ended {
			c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := b.call(c, "session.end", nil, nil); err != nil {
				t.Logf("cleanup: %v", err)
			}
		}
		b.close()
	})
	// A test stopped short still says what the pages did until then.
	checked := false
	t.Cleanup(func() {
		if checked || !t.Failed() {
			return
		}
		w.each(func(e string) { t.Logf("page error before the failure: %s", e) },
			func(u string) { t.Logf("request outside ringd before the failure: %s", u) })
	})
	t.Logf("Firefox version: %s %s (BiDi session %s)", sess.Capabilities.BrowserName, sess.Capabilities.BrowserVersion, sess.SessionID)

	call := func(method string, params, result any) {
		t.Helper()
		if err := b.call(ctx, method, params, result); err != nil {
			t.Fatal(ff.why(b, err))
		}
	}
	call("session.subscribe", map[string]any{"events": []string{"log.entryAdded", "network.beforeRequestSent"}}, nil)
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	call("browsingContext.getTree", map[string]any{"maxDepth": 0}, &tree)
	var tab string
	if len(tree.Contexts) > 0 {
		tab = tree.Contexts[0].Context
	} else {
		var created struct {
			Context string `json:"context"`
		}
		call("browsingContext.create", map[string]any{"type": "tab"}, &created)
		tab = created.Context
	}

	// evaluate runs a script in the tab's page (a promise is awaited); it
	// must come to a string: an exception or another type is an error.
	evaluate := func(expr string) (string, error) {
		var r struct {
			Type   string `json:"type"`
			Result struct {
				Type  string          `json:"type"`
				Value json.RawMessage `json:"value"`
			} `json:"result"`
			ExceptionDetails struct {
				Text       string `json:"text"`
				LineNumber int    `json:"lineNumber"`
			} `json:"exceptionDetails"`
		}
		err := b.call(ctx, "script.evaluate", map[string]any{
			"expression": expr, "target": map[string]any{"context": tab},
			"awaitPromise": true, "resultOwnership": "none",
		}, &r)
		switch {
		case err != nil:
			return "", ff.why(b, err)
		case r.Type == "exception":
			return "", fmt.Errorf("script threw %s (line %d)", r.ExceptionDetails.Text, r.ExceptionDetails.LineNumber+1)
		case r.Result.Type != "string":
			return "", fmt.Errorf("script gave a %s %s, want a string", r.Result.Type, r.Result.Value)
		}
		var s string
		err = json.Unmarshal(r.Result.Value, &s)
		return s, err
	}
	eval := func(what, expr string) string {
		t.Helper()
		s, err := evaluate(expr)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return s
	}
	// waitFor polls a condition in the page (a navigation may be under way:
	// errors while it is are retried).
	waitFor := func(what, cond string, within time.Duration) time.Duration {
		t.Helper()
		from := time.Now()
		expr := fmt.Sprintf(`(() => { try { return String(Boolean(%s)); } catch (e) { return "threw " + e; } })()`, cond)
		var last string
		for {
			s, err := evaluate(expr)
			if err == nil && s == "true" {
				return time.Since(from)
			}
			if err != nil {
				last = err.Error()
			} else {
				last = s
			}
			if time.Since(from) > within {
				where, _ := evaluate(`location.href + " " + document.readyState + ": " + (document.querySelector("main h1") || document.body || {}).textContent`)
				t.Fatalf("%s: not within %v: %s is %s; page %s", what, within, cond, last, where)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	navigate := func(path string) {
		t.Helper()
		w.at(path)
		var r struct {
			URL string `json:"url"`
		}
		call("browsingContext.navigate", map[string]any{"context": tab, "url": base + path, "wait": "complete"}, &r)
		if got := eval("where "+path+" went", `location.href`); got != base+path {
			t.Fatalf("navigate to %s: at %s", base+path, got)
		}
	}
	fill := func(sel, value string) {
		t.Helper()
		if e := eval("fill "+sel, fmt.Sprintf(`(() => {
			const e = document.querySelector(%q);
			if (!e) return "no element";
			e.focus(); e.value = %q;
			e.dispatchEvent(new Event("input", {bubbles: true}));
			e.dispatchEvent(new Event("change", {bubbles: true}));
			return e.value === %[2]q ? "" : "value is " + JSON.stringify(e.value);
		})()`, sel, value)); e != "" {
			t.Fatalf("fill %s with %q: %s", sel, value, e)
		}
	}
	click := func(sel string) {
		t.Helper()
		if e := eval("click "+sel, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return "no element"; e.click(); return ""; })()`, sel)); e != "" {
			t.Fatalf("click %s: %s", sel, e)
		}
	}
	rowCount := `String(document.querySelectorAll("#member-rows tbody tr").length)`

	// 1. Sign in with the token.
	navigate("/ui/login")
	fill("#token", token)
	w.at("sign in")
	click("main form button[type=submit]")
	waitFor("signed in, on the overview", `location.pathname === "/ui/" && document.readyState === "complete" && document.querySelector("form.signout")`, 10*time.Second)
	if loc := eval("location", `location.href`); loc != base+"/ui/" {
		t.Fatalf("after sign-in at %s, want %s/ui/", loc, base)
	}

	// 2. Live updates (EventSource) on the overview.
	w.at("/ui/ live updates")
	took := waitFor("overview live status", `document.getElementById("live").textContent.startsWith("Live updates: on")`, 5*time.Second)
	t.Logf("overview: %q, %v after it had loaded", eval("live", `document.getElementById("live").textContent`), took.Round(time.Millisecond))

	// 3. A ring group through the form: rows moved and added.
	navigate("/ui/ring_groups/new")
	fill("#number", "6300")
	fill("#name", "Firefox line")
	fill("#m-member-0", "1002")
	fill("#m-member-1", "1001")
	click("#member-rows tbody tr:nth-child(2) button.move[data-move='-1']")
	if got := eval("members after the move", `document.getElementById("m-member-0").value + "," + document.getElementById("m-member-1").value`); got != "1001,1002" {
		t.Fatalf("after moving the second member row up: #m-member-0,#m-member-1 = %s, want 1001,1002", got)
	}
	before := eval("member rows", rowCount)
	click("#add-member")
	if after := eval("member rows", rowCount); after != fmt.Sprint(atoi(t, before)+1) {
		t.Fatalf("#add-member: %s member rows, was %s, want one more", after, before)
	}
	w.at("save ring group 6300")
	click("main form.card button[type=submit]")
	waitFor("ring group list after saving", `location.pathname === "/ui/ring_groups" && document.readyState === "complete" && document.querySelector("p.ok")`, 10*time.Second)
	if ok := eval("saved", `document.querySelector("p.ok").textContent`); ok != "Ring group 6300 saved." {
		t.Fatalf("after saving: p.ok says %q, want \"Ring group 6300 saved.\"", ok)
	}
	if members := groupMembers(t, base, "6300"); members != `[{"extension":"1001"},{"extension":"1002"}]` {
		t.Fatalf("6300's members through the API: %s, want 1001 then 1002", members)
	}

	// 4. A refused value shows its error at the field.
	navigate("/ui/ring_groups/new")
	fill("#number", "6301")
	fill("#name", "Bad")
	fill("#m-member-0", "1001")
	fill("#ring_time", "abc")
	w.at("refused ring_time")
	click("main form.card button[type=submit]")
	waitFor("the refused form", `document.readyState === "complete" && document.getElementById("ring_time-err")`, 10*time.Second)
	if e := eval("ring_time error", `document.getElementById("ring_time-err").textContent`); !strings.Contains(e, "must be int") {
		t.Fatalf("ring_time=abc: #ring_time-err says %q, want it to contain \"must be int\"", e)
	} else {
		t.Logf("ring_time=abc: %s", e)
	}

	// 5. Every page once; an extension's edit and sequential ring pages
	// through their links.
	for _, page := range []string{"/ui/", "/ui/ring_groups", "/ui/extension_groups", "/ui/schedules", "/ui/cdr", "/ui/bans", "/ui/extensions"} {
		navigate(page)
		if h1 := eval("heading of "+page, `(document.querySelector("main h1") || {textContent: "no main h1"}).textContent`); h1 == "no main h1" || h1 == "" {
			t.Fatalf("%s: no heading", page)
		}
	}
	edit := eval("an extension's edit link", `(document.querySelector("main td.actions a[href^='/ui/extensions/']") || {}).getAttribute?.("href") || ""`)
	if edit == "" {
		t.Fatal("/ui/extensions: no extension edit link")
	}
	navigate(edit)
	seq := eval("the sequential ring link", `(document.querySelector("main a[href$='/sequential_ring']") || {}).getAttribute?.("href") || ""`)
	if seq == "" {
		t.Fatalf("%s: no sequential ring link", edit)
	}
	navigate(seq)
	t.Logf("extension pages %s and %s", edit, seq)

	// 6. Nothing went wrong on any page; every request went to ringd.
	w.at("end")
	eval("last round trip", `document.readyState`) // events before it have arrived
	ended = true
	call("session.end", nil, nil)
	checked = true
	reqs := w.check(t, "network.beforeRequestSent")
	for _, line := range ff.nonLocal() {
		t.Errorf("Firefox tried to connect outside this machine (refused): %s", line)
	}
	w.mu.Lock()
	internal := w.internal
	w.mu.Unlock()
	t.Logf("%d requests, all to %s (%d Firefox-internal URLs left aside); %v in all",
		reqs, base, internal, time.Since(started).Round(time.Millisecond))
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}
