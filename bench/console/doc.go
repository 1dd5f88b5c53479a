// Package console tests the web console (/ui/, config/api/console) in a
// real browser: Debian's chromium, headless, driven from Go with
// github.com/chromedp/chromedp, against a real ringd process built from
// this tree (bench/internal/ringdtest) and real sipgo phones
// (sip/siptest). It signs in, creates a ring group through the form,
// checks a refused value shows its error at the field, watches a call
// ring on the overview and leave, and fails on any console error,
// uncaught exception or request leaving ringd. A second test does the
// same in Debian's firefox-esr, headless, through WebDriver BiDi (a small
// client of its own over github.com/gobwas/ws, on a fresh profile whose
// user.js turns off everything that reaches the network on its own): it
// signs in, waits for the overview's live updates, fills the ring group
// form (moving and adding member rows), sees a refused value at its field,
// visits every page once and fails on any error log entry or request
// leaving ringd.
//
// The tests are behind the build tag "browser", so `make test` leaves them
// out; `make e2e` runs them (and installs chromium and firefox-esr when
// they are missing):
//
//	go test -tags browser -count=1 ./bench/console/
//
// With UPDATE_SCREENSHOTS=1 it also writes overview.png (a ringing call)
// and group-form.png (the ring group form), 1280x800, shown in the
// top-level README.
package console
