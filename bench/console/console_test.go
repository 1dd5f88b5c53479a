//go:build browser

package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ringd/ringd/bench/internal/ringdtest"
	"github.com/ringd/ringd/sip/siptest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	ringdtest.Cleanup()
	os.Exit(code)
}

const token = "console-test-token"

// freeTCP returns a TCP port that was free on 127.0.0.1 a moment ago.
func freeTCP(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRingd runs ringd for a browser test: SIP on UDP, the console on an
// http listener with the token, two extensions (1001 Alice, 1002 Bob),
// callers from 127.0.0.1 trusted. It returns ringd's SIP address and the
// console's base URL (http://127.0.0.1:PORT); ringd stops with the test.
func startRingd(t *testing.T) (sipAddr, base string) {
	t.Helper()
	httpAddr := fmt.Sprintf("127.0.0.1:%d", freeTCP(t))
	sipAddr, _ = ringdtest.Start(t, "  trusted: [\"127.0.0.1\"]\n", fmt.Sprintf(`http:
  listen: %s
  tokens: [%q]
extensions:
  - { number: "1001", name: Alice, password: pw1001 }
  - { number: "1002", name: Bob, password: pw1002 }
`, httpAddr, token))
	return sipAddr, "http://" + httpAddr
}

// watch keeps what Chromium's page did that the test forbids: console
// errors, uncaught exceptions, error log entries (CSP refusals, failed
// loads) and requests outside ringd.
type watch struct{ seen }

func (w *watch) event(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			w.errs = append(w.errs, "console.error: "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		w.errs = append(w.errs, fmt.Sprintf("exception: %s (%s:%d)", msg, d.URL, d.LineNumber))
	case *log.EventEntryAdded:
		// A refused form comes back with the API's status (400, 422):
		// Chrome logs that as a failed load; it is the test's own doing.
		refused := ev.Entry.Source == log.EntrySourceNetwork && ev.Entry.URL == w.base+"/ui/ring_groups/new" &&
			(strings.Contains(ev.Entry.Text, "status of 400") || strings.Contains(ev.Entry.Text, "status of 422"))
		if ev.Entry.Level == log.EntryLevelError && !refused {
			w.errs = append(w.errs, fmt.Sprintf("log %s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		w.reqs++
		u := ev.Request.URL
		if !strings.HasPrefix(u, w.base+"/") && u != w.base && !strings.HasPrefix(u, "data:") {
			w.foreign = append(w.foreign, u)
		}
	}
}

func TestConsoleInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium not on PATH (apt-get install chromium; make e2e does): %v", err)
	}
	started := time.Now()

	ringd, base := startRingd(t)

	// The member that rings without answering.
	alice := siptest.NewAgent(t, "1001")
	alice.SetBehaviour(siptest.RingForever)
	if res := alice.Register(ringd, "pw1001", 600); res.StatusCode != 200 {
		t.Fatalf("REGISTER 1001: %d", res.StatusCode)
	}

	w := &watch{seen{base: base}}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", "new"),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	)
	defer cancelA()
	ctx, cancelC := chromedp.NewContext(actx, chromedp.WithListener(w.event))
	defer cancelC()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(what, expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return s
	}
	shots := os.Getenv("UPDATE_SCREENSHOTS") == "1"
	shot := func(name string) {
		t.Helper()
		if !shots {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(".", name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", name, len(png))
	}
	do("viewport", chromedp.EmulateViewport(1280, 800))

	// 1. Sign in with the token.
	do("sign in",
		chromedp.Navigate(base+"/ui/login"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("form.signout")),
	)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != base+"/ui/" {
		t.Fatalf("after sign-in at %s, want %s/ui/", loc, base)
	}

	// 2. A ring group created through the form appears in the list.
	do("fill the group form",
		chromedp.Navigate(base+"/ui/ring_groups/new"),
		chromedp.WaitVisible(chromedp.CSS("#number")),
		chromedp.SendKeys(chromedp.CSS("#number"), "6200"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Support line"),
		chromedp.SetValue(chromedp.CSS("#strategy"), "cyclic_hunt"),
		chromedp.SetValue(chromedp.CSS("#ring_time"), "30"),
		chromedp.SendKeys(chromedp.CSS("#m-member-0"), "1002"),
		chromedp.SendKeys(chromedp.CSS("#m-member-1"), "1001"),
		chromedp.SendKeys(chromedp.CSS("#m-skill-1"), "2"),
		// The second row moves up by keyboard: 1001 rings first.
		chromedp.Focus(chromedp.CSS("#member-rows tbody tr:nth-child(2) button.move[data-move='-1']")),
		chromedp.KeyEvent("\r"),
		chromedp.Click(chromedp.CSS("#add-member")),
	)
	if rows := eval("member rows", `Array.from(document.querySelectorAll("#member-rows tbody tr")).map(r =>
		r.cells[0].textContent + "=" + r.querySelector("input[name='m.member']").id + ":" + r.querySelector("input[name='m.member']").value +
		"/" + r.querySelector("input[name='m.skill_level']").value).join(" ")`); rows != "1=m-member-0:1001/2 2=m-member-1:1002/ 3=m-member-2:/ 4=m-member-3:/" {
		t.Fatalf("member rows after moving the second up and adding a row: %q", rows)
	}
	do("scroll to the form's top", chromedp.ScrollIntoView(chromedp.CSS("main h1")))
	shot("group-form.png")
	do("save the group",
		chromedp.Click(chromedp.CSS("main form.card button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.ok")),
	)
	if ok := eval("saved", `document.querySelector("p.ok").textContent`); ok != "Ring group 6200 saved." {
		t.Fatalf("after save: %q", ok)
	}
	row := eval("list", `Array.from(document.querySelectorAll("main table tbody tr")).map(r => Array.from(r.cells).slice(0, 5).map(c => c.textContent).join("|")).find(s => s.startsWith("6200|")) || ""`)
	if row != "6200|Support line|cyclic_hunt|30 s|1001, 1002" {
		t.Fatalf("6200 in the list: %q", row)
	}
	if members := groupMembers(t, base, "6200"); members != `[{"extension":"1001","skill_level":2},{"extension":"1002"}]` {
		t.Fatalf("6200's members through the API: %s", members)
	}

	// 3. Refused values: each error next to its field, nothing saved.
	fieldError := func(field, errID, value, want string) {
		t.Helper()
		do("refused "+field,
			chromedp.Navigate(base+"/ui/ring_groups/new"),
			chromedp.WaitVisible(chromedp.CSS("#number")),
			chromedp.SendKeys(chromedp.CSS("#number"), "6201"),
			chromedp.SendKeys(chromedp.CSS("#name"), "Bad"),
			chromedp.SetValue(chromedp.CSS("#m-member-0"), "1001"),
			chromedp.SetValue(chromedp.CSS("#"+field), value),
			chromedp.Click(chromedp.CSS("main form.card button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#"+errID)),
		)
		got := eval("field error", fmt.Sprintf(`(() => {
			const f = document.getElementById(%[1]q), e = document.getElementById(%[3]q);
			if (!e.closest(".field").contains(f)) return "error not in the field's box";
			if (f.getAttribute("aria-invalid") !== "true") return "field not aria-invalid";
			if (!(f.getAttribute("aria-describedby") || "").split(" ").includes(e.id)) return "field not described by its error";
			if (f.value !== %[2]q) return "value not kept: " + f.value;
			return e.textContent;
		})()`, field, value, errID))
		if !strings.Contains(got, want) {
			t.Fatalf("%s=%q: error %q, want one containing %q", field, value, got, want)
		}
		t.Logf("%s=%q: %s", field, value, got)
	}
	fieldError("ring_time", "ring_time-err", "abc", "must be int")
	fieldError("m-member-1", "m-err-1", "1999", "1999")
	fieldError("m-delay-0", "m-err-0", "soon", "delay: must be int")
	do("list", chromedp.Navigate(base+"/ui/ring_groups"), chromedp.WaitVisible(chromedp.CSS("main table")))
	if n := eval("not saved", `String(Array.from(document.querySelectorAll("main table tbody tr")).filter(r => r.cells[0].textContent === "6201").length)`); n != "0" {
		t.Fatal("6201 was saved")
	}

	// 4. A call to the new group rings on the overview within 1 s and
	// leaves when the caller cancels.
	do("overview",
		chromedp.Navigate(base+"/ui/"),
		chromedp.Poll[chromedp.Void](`document.getElementById("live").textContent.startsWith("Live updates: on")`, chromedp.WithPollingTimeout(5*time.Second)),
	)
	caller := siptest.NewAgent(t, "2000")
	callCtx, hangUp := context.WithCancel(context.Background())
	defer hangUp()
	dialled := time.Now()
	call := caller.Dial(callCtx, ringd, "6200")
	ringing := `(() => { const r = Array.from(document.querySelectorAll("#calls tbody tr")).find(r => r.cells.length === 5 && r.cells[0].textContent === "6200");
		return r && r.cells[1].textContent !== "" && r.cells[3].textContent === "ringing" && r.cells[4].textContent.includes("1001"); })()`
	do("call on the overview", chromedp.Poll[chromedp.Void](ringing, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(time.Second)))
	shown := time.Since(dialled)
	t.Logf("call shown on the overview %v after the INVITE", shown.Round(time.Millisecond))
	if shown > time.Second {
		t.Errorf("call shown %v after the INVITE, want within 1 s", shown)
	}
	alice.WaitInvite(2 * time.Second)
	do("group and member ringing", chromedp.Poll[chromedp.Void](`(() => {
		const g = Array.from(document.querySelectorAll("#groups tbody tr")).find(r => r.cells[0].textContent === "6200");
		const m = Array.from(document.querySelectorAll("#members tbody tr")).find(r => r.cells[0].textContent === "1001");
		return g && g.cells[2].textContent === "1" && m && m.cells[2].textContent === "ringing"; })()`,
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(2*time.Second)))
	shot("overview.png")
	hangUp()
	// sipgo sends the CANCEL and ends the wait with the context's error.
	if code := call.Wait(t, 5*time.Second); code != 0 && code != 487 {
		t.Fatalf("cancelled call: final %d, want 487 or none", code)
	}
	left := time.Now()
	do("call gone from the overview", chromedp.Poll[chromedp.Void](`document.querySelector("#calls tbody").textContent === "No calls."`,
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(2*time.Second)))
	t.Logf("call gone from the overview %v after the caller's CANCEL", time.Since(left).Round(time.Millisecond))
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, cancels, _, _ := alice.Counts(); cancels > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("1001 was not cancelled")
		}
	}

	// Phone width: no page is wider than the screen (wide tables scroll in
	// their own box).
	for _, page := range []string{"/ui/", "/ui/ring_groups", "/ui/ring_groups/new", "/ui/extensions", "/ui/cdr", "/ui/bans"} {
		do("phone width "+page, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if wide := eval("page width", `String(document.documentElement.scrollWidth <= window.innerWidth || document.documentElement.scrollWidth)`); wide != "true" {
			t.Errorf("%s on a 390 px wide screen is %s px wide", page, wide)
		}
		if page == "/ui/" {
			shot("overview-phone.png")
		}
	}

	// 5 and 6. No console error, no request outside ringd.
	reqs := w.check(t, "the network listener")
	t.Logf("%d requests, all to %s; %v in all", reqs, base, time.Since(started).Round(time.Millisecond))
}

// groupMembers reads a ring group's members through the admin API.
func groupMembers(t *testing.T, base, number string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/ring_groups?filter=number+eq+'"+number+"'", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct {
			Members json.RawMessage `json:"members"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Items) != 1 {
		t.Fatalf("GET ring group %s: %d items, %v", number, len(list.Items), err)
	}
	var b bytes.Buffer
	_ = json.Compact(&b, list.Items[0].Members)
	return b.String()
}
