//go:build browser

package console

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/ringd/ringd/bench/internal/ringdtest"
)

// bidi is a small WebDriver BiDi client over one websocket: commands
// {id, method, params} answered by {type: "success", id, result} or
// {type: "error", id, error, message}; events {type: "event", method,
// params} handed to onEvent, in the order they came.
type bidi struct {
	conn    net.Conn
	r       io.Reader
	onEvent func(method string, params json.RawMessage)

	wmu sync.Mutex // one frame at a time on conn

	mu      sync.Mutex
	nextID  int
	pending map[int]chan bidiReply
	err     error // why the connection ended, once it has
	done    chan struct{}
}

type bidiReply struct {
	Type    string          `json:"type"`
	ID      *int            `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// dialBiDi connects to a BiDi websocket URL; onEvent, when not nil, sees
// every event, on the connection's reading goroutine.
func dialBiDi(ctx context.Context, url string, onEvent func(string, json.RawMessage)) (*bidi, error) {
	conn, br, _, err := ws.Dial(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("websocket %s: %w", url, err)
	}
	b := &bidi{conn: conn, r: conn, onEvent: onEvent, pending: map[int]chan bidiReply{}, done: make(chan struct{})}
	if br != nil {
		// Frames the server sent right after the handshake are in br.
		b.r = io.MultiReader(br, conn)
	}
	go b.read()
	return b, nil
}

// write sends one masked frame (clients mask theirs).
func (b *bidi) write(op ws.OpCode, p []byte) error {
	frame, err := ws.CompileFrame(ws.MaskFrameInPlace(ws.NewFrame(op, true, p)))
	if err != nil {
		return err
	}
	b.wmu.Lock()
	defer b.wmu.Unlock()
	_, err = b.conn.Write(frame)
	return err
}

func (b *bidi) read() {
	var msg []byte
	err := func() error {
		for {
			f, err := ws.ReadFrame(b.r)
			if err != nil {
				return err
			}
			switch f.Header.OpCode {
			case ws.OpPing:
				if err := b.write(ws.OpPong, f.Payload); err != nil {
					return err
				}
				continue
			case ws.OpPong:
				continue
			case ws.OpClose:
				code, reason := ws.ParseCloseFrameData(f.Payload)
				return fmt.Errorf("closed by the browser: %d %s", code, reason)
			}
			msg = append(msg, f.Payload...)
			if !f.Header.Fin {
				continue
			}
			var m bidiReply
			if err := json.Unmarshal(msg, &m); err != nil {
				return fmt.Errorf("message %.200q: %w", msg, err)
			}
			msg = nil
			if m.Type == "event" {
				if b.onEvent != nil {
					b.onEvent(m.Method, m.Params)
				}
				continue
			}
			if m.ID == nil {
				// An error about no command in particular (a message it
				// could not read).
				return fmt.Errorf("browser: %s: %s", m.Error, m.Message)
			}
			b.mu.Lock()
			ch := b.pending[*m.ID]
			delete(b.pending, *m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		}
	}()
	b.mu.Lock()
	b.err = err
	b.mu.Unlock()
	close(b.done)
}

// call sends a command and waits for its reply; the result is decoded
// into result when that is not nil.
func (b *bidi) call(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	b.mu.Lock()
	if b.err != nil {
		err := b.err
		b.mu.Unlock()
		return fmt.Errorf("%s: connection gone: %w", method, err)
	}
	b.nextID++
	id := b.nextID
	ch := make(chan bidiReply, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
	}()

	cmd, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if err := b.write(ws.OpText, cmd); err != nil {
		return fmt.Errorf("%s: send: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Type != "success" {
			return fmt.Errorf("%s: %s: %s", method, m.Error, m.Message)
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("%s: result %.200q: %w", method, m.Result, err)
			}
		}
		return nil
	case <-b.done:
		b.mu.Lock()
		defer b.mu.Unlock()
		return fmt.Errorf("%s: connection gone: %w", method, b.err)
	case <-ctx.Done():
		return fmt.Errorf("%s: no reply: %w", method, ctx.Err())
	}
}

// close ends the websocket (a close frame, then the connection).
func (b *bidi) close() {
	_ = b.write(ws.OpClose, ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))
	_ = b.conn.Close()
	<-b.done
}

// firefoxPrefs is the profile's user.js: nothing reaches the network on
// its own (the machine has no Internet, and the test fails on any request
// that does not go to ringd), no first-run or welcome pages.
var firefoxPrefs = map[string]any{
	// Updates: the application, add-ons, system add-ons, search engines,
	// media plugins (OpenH264, Widevine).
	"app.update.auto":                                    false,
	"app.update.checkInstallTime":                        false,
	"app.update.disabledForTesting":                      true,
	"app.update.enabled":                                 false,
	"app.update.service.enabled":                         false,
	"app.update.staging.enabled":                         false,
	"app.update.url":                                     "",
	"extensions.update.enabled":                          false,
	"extensions.update.autoUpdateDefault":                false,
	"extensions.getAddons.cache.enabled":                 false,
	"extensions.getAddons.discovery.api_url":             "",
	"extensions.systemAddon.update.enabled":              false,
	"extensions.systemAddon.update.url":                  "",
	"extensions.webservice.discoverURL":                  "",
	"extensions.blocklist.enabled":                       false,
	"extensions.htmlaboutaddons.recommendations.enabled": false,
	"browser.search.update":                              false,
	"media.gmp-manager.updateEnabled":                    false,
	"media.gmp-manager.url":                              "",
	"media.gmp-gmpopenh264.enabled":                      false,
	"media.gmp-widevinecdm.enabled":                      false,
	"lightweightThemes.update.enabled":                   false,

	// Telemetry and data reporting, crash reports.
	"toolkit.telemetry.enabled":                                   false,
	"toolkit.telemetry.unified":                                   false,
	"toolkit.telemetry.archive.enabled":                           false,
	"toolkit.telemetry.server":                                    "",
	"toolkit.telemetry.shutdownPingSender.enabled":                false,
	"toolkit.telemetry.newProfilePing.enabled":                    false,
	"toolkit.telemetry.firstShutdownPing.enabled":                 false,
	"toolkit.telemetry.bhrPing.enabled":                           false,
	"toolkit.telemetry.updatePing.enabled":                        false,
	"toolkit.telemetry.coverage.opt-out":                          true,
	"toolkit.coverage.opt-out":                                    true,
	"toolkit.coverage.endpoint.base":                              "",
	"datareporting.healthreport.uploadEnabled":                    false,
	"datareporting.healthreport.service.enabled":                  false,
	"datareporting.policy.dataSubmissionEnabled":                  false,
	"datareporting.policy.dataSubmissionPolicyBypassNotification": true,
	"datareporting.policy.firstRunURL":                            "",
	"datareporting.usage.uploadEnabled":                           false,
	"browser.ping-centre.telemetry":                               false,
	"browser.newtabpage.activity-stream.feeds.telemetry":          false,
	"browser.newtabpage.activity-stream.telemetry":                false,
	"browser.crashReports.unsubmittedCheck.autoSubmit2":           false,
	"breakpad.reportURL":                                          "",

	// Captive portal and connectivity checks, DNS over HTTPS, speculative
	// connections and prefetching.
	"network.captive-portal-service.enabled":          false,
	"captivedetect.canonicalURL":                      "",
	"network.connectivity-service.enabled":            false,
	"network.connectivity-service.IPv4.url":           "",
	"network.connectivity-service.IPv6.url":           "",
	"network.trr.mode":                                5,
	"doh-rollout.disable-heuristics":                  true,
	"network.dns.disablePrefetch":                     true,
	"network.prefetch-next":                           false,
	"network.predictor.enabled":                       false,
	"network.http.speculative-parallel-limit":         0,
	"browser.urlbar.speculativeConnect.enabled":       false,
	"browser.places.speculativeConnect.enabled":       false,
	"security.OCSP.enabled":                           0,
	"security.remote_settings.crlite_filters.enabled": false,
	"security.remote_settings.intermediates.enabled":  false,
	"security.certerrors.mitm.priming.enabled":        false,

	// Safe browsing and tracking protection lists.
	"browser.safebrowsing.malware.enabled":             false,
	"browser.safebrowsing.phishing.enabled":            false,
	"browser.safebrowsing.blockedURIs.enabled":         false,
	"browser.safebrowsing.downloads.enabled":           false,
	"browser.safebrowsing.downloads.remote.enabled":    false,
	"browser.safebrowsing.passwords.enabled":           false,
	"browser.safebrowsing.update.enabled":              false,
	"browser.safebrowsing.provider.google.updateURL":   "",
	"browser.safebrowsing.provider.google.gethashURL":  "",
	"browser.safebrowsing.provider.google4.updateURL":  "",
	"browser.safebrowsing.provider.google4.gethashURL": "",
	"browser.safebrowsing.provider.mozilla.updateURL":  "",
	"browser.safebrowsing.provider.mozilla.gethashURL": "",
	"privacy.trackingprotection.enabled":               false,
	"privacy.trackingprotection.pbmode.enabled":        false,

	// Remote settings (blocklists, experiments, translations models),
	// Normandy and studies, the messaging system.
	"services.settings.server":                                           "data:,",
	"app.normandy.enabled":                                               false,
	"app.normandy.api_url":                                               "",
	"app.shield.optoutstudies.enabled":                                   false,
	"messaging-system.rsexperimentloader.enabled":                        false,
	"browser.newtabpage.activity-stream.asrouter.userprefs.cfr.addons":   false,
	"browser.newtabpage.activity-stream.asrouter.userprefs.cfr.features": false,
	"browser.translations.enable":                                        false,
	"browser.translations.automaticallyPopup":                            false,
	"browser.ml.enable":                                                  false,

	// Push.
	"dom.push.enabled":            false,
	"dom.push.connection.enabled": false,
	"dom.push.serverURL":          "",

	// Pocket, the new tab page's stories and sponsored sites.
	"extensions.pocket.enabled":                                   false,
	"browser.newtabpage.enabled":                                  false,
	"browser.newtabpage.activity-stream.feeds.section.topstories": false,
	"browser.newtabpage.activity-stream.feeds.system.topstories":  false,
	"browser.newtabpage.activity-stream.feeds.topsites":           false,
	"browser.newtabpage.activity-stream.showSponsored":            false,
	"browser.newtabpage.activity-stream.showSponsoredTopSites":    false,
	"browser.newtabpage.activity-stream.default.sites":            "",
	"browser.topsites.contile.enabled":                            false,

	// Search suggestions, region and geolocation look-ups.
	"browser.search.suggest.enabled":      false,
	"browser.urlbar.suggest.searches":     false,
	"browser.urlbar.quicksuggest.enabled": false,
	"browser.search.geoip.url":            "",
	"browser.region.network.url":          "",
	"browser.region.update.enabled":       false,
	"geo.enabled":                         false,
	"geo.provider.network.url":            "",

	// First-run, welcome and what's-new pages; accounts and sync.
	"browser.startup.page":                     0,
	"browser.startup.homepage":                 "about:blank",
	"browser.startup.homepage_override.mstone": "ignore",
	"startup.homepage_welcome_url":             "about:blank",
	"startup.homepage_welcome_url.additional":  "",
	"startup.homepage_override_url":            "",
	"browser.aboutwelcome.enabled":             false,
	"trailhead.firstrun.didSeeAboutWelcome":    true,
	"browser.shell.checkDefaultBrowser":        false,
	"browser.uitour.enabled":                   false,
	"browser.discovery.enabled":                false,
	"browser.vpn_promo.enabled":                false,
	"browser.sessionstore.resume_from_crash":   false,
	"toolkit.startup.max_resumed_crashes":      -1,
	"identity.fxaccounts.enabled":              false,
	"webchannel.allowObject.urlWhitelist":      "",
}

// writeFirefoxProfile writes user.js into the profile directory.
func writeFirefoxProfile(t *testing.T, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("// Written by bench/console's Firefox test: no network of its own.\n")
	for _, name := range slices.Sorted(maps.Keys(firefoxPrefs)) {
		val, _ := json.Marshal(firefoxPrefs[name])
		fmt.Fprintf(&b, "user_pref(%q, %s);\n", name, val)
	}
	if err := os.WriteFile(filepath.Join(dir, "user.js"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// firefox is a headless Firefox the test started.
type firefox struct {
	agent  string                  // its remote agent, ws://127.0.0.1:PORT
	logs   *ringdtest.LockedBuffer // its stdout and stderr
	exited chan struct{}           // closed once it has exited
}

// nonLocal lists the "FATAL ERROR: Non-local network connections are
// disabled" lines on Firefox's stderr: each one a connection to somewhere
// off this machine that it refused (MOZ_DISABLE_NONLOCAL_CONNECTIONS),
// and then stopped.
func (f *firefox) nonLocal() []string {
	var tried []string
	for _, line := range strings.Split(f.logs.String(), "\n") {
		if strings.Contains(line, "Non-local network connections are disabled") {
			tried = append(tried, line)
		}
	}
	return tried
}

// why adds to a failed command what became of Firefox when the BiDi
// connection is gone: above all that it stopped on a connection outside
// this machine (MOZ_DISABLE_NONLOCAL_CONNECTIONS makes such an attempt
// fatal).
func (f *firefox) why(b *bidi, err error) error {
	select {
	case <-b.done:
	default:
		return err
	}
	select {
	case <-f.exited:
	case <-time.After(5 * time.Second):
		return fmt.Errorf("%w (the BiDi connection closed, Firefox still running)", err)
	}
	if tried := f.nonLocal(); len(tried) > 0 {
		return fmt.Errorf("%w: Firefox stopped on a connection outside this machine: %s", err, strings.Join(tried, "; "))
	}
	return fmt.Errorf("%w: Firefox exited (its output follows)", err)
}

// startFirefox runs firefox-esr headless on a fresh profile with its
// remote agent on a port of its choosing. Non-local connections are off
// (MOZ_DISABLE_NONLOCAL_CONNECTIONS=1: Firefox refuses one, says so on
// stderr and stops, see nonLocal and why), and so is the crash reporter.
// The environment variable also lets Firefox ESR honour user.js's
// services.settings.server, which stops Remote Settings. The browser is
// killed with the test (its whole process group); its output is logged
// when the test failed.
func startFirefox(t *testing.T, bin string) *firefox {
	t.Helper()
	profile := t.TempDir()
	writeFirefoxProfile(t, profile)
	cmd := exec.Command(bin, "--headless", "--remote-debugging-port=0", "--profile", profile, "--no-remote")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1", "MOZ_DISABLE_NONLOCAL_CONNECTIONS=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &ringdtest.LockedBuffer{}
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logs, line)
			if m := bidiListening.FindStringSubmatch(line); m != nil {
				select {
				case listening <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(logs, stderr)
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-exited
		}
		// Content processes left behind, if any.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		if t.Failed() {
			t.Logf("firefox output:\n%s", logs.String())
		}
	})
	select {
	case u := <-listening:
		return &firefox{agent: u, logs: logs, exited: exited}
	case <-exited:
		t.Fatalf("firefox exited before its remote agent listened:\n%s", logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("no \"WebDriver BiDi listening on\" from firefox in 60 s:\n%s", logs.String())
	}
	return nil
}
