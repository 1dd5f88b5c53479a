package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/api"
	"github.com/ringd/ringd/config/api/console"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/registrar"
	"github.com/ringd/ringd/sip/transport"
)

// defaultConfig is what plain `ringd` serves when it exists.
const defaultConfig = "ringd.yaml"

// shutdownGrace is how long SIGTERM waits for ringing calls to finish.
const shutdownGrace = 30 * time.Second

// serveCmd serves a config file, or the embedded demo config, until a
// signal stops it; it returns the exit code.
func serveCmd(args []string, stdout, stderr io.Writer) int {
	fl, err := parseFlags("serve", args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "ringd serve:", err)
		return 2
	}
	path := fl.config
	if fl.cpuProfile != "" {
		stopProfile, err := startCPUProfile(fl.cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "ringd: -cpuprofile:", err)
			return 1
		}
		defer stopProfile()
	}
	if path == "" {
		if _, err := os.Stat(defaultConfig); err == nil {
			path = defaultConfig
		} else if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintln(stderr, "ringd:", err)
			return 1
		}
	}
	src := source{path: path}
	file, err := src.read()
	if err != nil {
		// Never start half-configured: every problem, then exit 1.
		fmt.Fprintf(stderr, "%s:\n%v\n", src, err)
		return 1
	}
	log, level, stopLog, err := newLogger(file.Log)
	if err != nil {
		fmt.Fprintln(stderr, "ringd: log:", err)
		return 1
	}
	defer stopLog()
	setProcessPolicy()
	transport.RouteLibraryLogs(log)
	transport.SetTrace(log, file.Log.SIPTrace)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	url := file.Store
	if url == "" {
		url = config.DefaultStore
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		log.Error("cannot open the store", zap.String("store", url), zap.Error(err))
		return 1
	}
	defer func() { _ = st.Close() }()

	// The SIP server is built from the first configuration live hands over;
	// later ones (API changes, SIGHUP) are applied to it.
	var srv *sip.Server
	var first sip.Settings
	var prompts *media.Library // kept so unchanged files are not decoded again
	var lv *live.Live
	setState := stateSetter(&lv)
	apply := func(cfg *config.Config, snap *engine.Snapshot) {
		var err error
		if prompts, err = media.Load(cfg.Prompts(), cfg.PromptNames(), prompts); err != nil {
			// validation passed a moment ago: a file changed in between
			log.Warn("prompt files", zap.Error(err))
		}
		if srv == nil {
			first = settings(cfg, snap, prompts, setState)
			return
		}
		srv.Apply(settings(cfg, snap, prompts, setState))
	}
	lv, err = live.Open(ctx, st, file, apply)
	if err != nil {
		fmt.Fprintf(stderr, "%s with the store %s:\n%v\n", src, url, err)
		return 1
	}
	persist := live.NewPersister(st, func(err error) { log.Error("store write failed", zap.Error(err)) })
	defer persist.Close()
	node, err := openCluster(ctx, file, log, reg)
	if err != nil {
		log.Error("cannot join the cluster", zap.String("cluster.node", file.Cluster.Node), zap.Error(err))
		return 1
	}
	if node != nil {
		defer node.Close()
	}
	srv, err = sip.New(first, log, sip.Hooks{
		Cluster: node,
		Metrics: reg,
		Record:  persist.Record,
		Binding: func(ext string, b registrar.Binding, removed bool) {
			persist.Binding(store.Binding{Extension: ext, Contact: b.Contact.String(), Expires: b.Expires,
				CallID: b.CallID, CSeq: b.CSeq, Source: b.Source, Transport: b.Transport, Path: registrar.FormatPath(b.Path),
				UserAgent: b.UserAgent}, removed)
		},
		Ban: func(source netip.Addr, until time.Time, reason string, lifted bool) {
			persist.Ban(store.Ban{Source: source.String(), Until: until, Reason: reason}, lifted)
		},
	})
	if err != nil {
		log.Error("cannot start", zap.Error(err))
		return 1
	}
	if node == nil {
		restoreBindings(ctx, st, srv, log)
	} else {
		restoreOwnBindings(ctx, node, srv, log)
	}
	restoreBans(ctx, st, srv, log)
	if err := srv.Start(ctx); err != nil {
		log.Error("cannot listen", zap.Error(err))
		return 1
	}
	startCluster(node, srv, lv, log)
	go tendMemory(ctx, srv)
	var admin *api.Server
	var web *http.Server
	var webCerts *transport.Certificates // http.tls
	if file.HTTP.Listen != "" {
		admin = api.New(lv, sipRuntime{srv}, file.HTTP)
		admin.Mount("GET /metrics", "Prometheus metrics (SPEC §9)", true, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		admin.Mount("GET /readyz", "Readiness: store open, SIP listeners bound, not draining", true, readiness(st, srv))
		admin.Mount("GET /api/v1/cluster", "The cluster's nodes seen in the last 10 s (SPEC §12)", false, clusterView(node, srv))
		admin.Mount("GET /api/v1/log/level", "The log level", false, level)
		admin.Mount("PUT /api/v1/log/level", `Change the log level: {"level":"debug"}`, false, level)
		if file.HTTP.Pprof {
			mountPprof(admin)
		}
		admin.MountUI("/ui/", console.New(admin, admin)) // the web console (SPEC §13)
		ln, err := net.Listen("tcp", file.HTTP.Listen)
		if err != nil {
			log.Error("cannot listen for the admin API", zap.String("http.listen", file.HTTP.Listen), zap.Error(err))
			return 1
		}
		web = &http.Server{Handler: admin, ReadHeaderTimeout: 10 * time.Second, ErrorLog: httpErrorLog(log)}
		if webCerts, err = serveWeb(web, ln, file.HTTP.TLS); err != nil {
			log.Error("cannot serve the admin API over HTTPS", zap.Error(err))
			return 1
		}
		log.Info("admin API listening", zap.Stringer("addr", ln.Addr()), zap.Bool("https", webCerts != nil))
	}
	cfg := file
	log.Info("ringd started", zap.String("version", version()), zap.Stringer("config", src), zap.String("store", url),
		zap.Int("extensions", len(cfg.Extensions)), zap.Int("ring_groups", len(cfg.RingGroups)),
		zap.Int("threads", runtime.GOMAXPROCS(0)))
	if path == "" {
		demoBanner(stdout, cfg, srv.Bound())
	}

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	for sig := range sigs {
		if sig == syscall.SIGHUP {
			next, err := src.read()
			if err == nil {
				if key := startOnly(file, next); key != "" {
					err = errors.New(key + " is read when ringd starts: restart ringd to change it")
				}
			}
			if err == nil {
				err = lv.Reload(ctx, next)
			}
			if err != nil {
				log.Error("reload refused: the config has problems; still serving the previous one", zap.Stringer("config", src), zap.Error(err))
				continue
			}
			if admin != nil {
				admin.SetTokens(next.HTTP)
			}
			if webCerts != nil {
				reloadWebCerts(webCerts, next.HTTP.TLS, log)
			}
			_ = setLevel(level, next.Log) // checked by config.Parse already
			transport.SetTrace(log, next.Log.SIPTrace)
			log.Info("config reloaded", zap.Stringer("config", src))
			continue
		}
		log.Info("stopping: new calls get 503, ringing calls may finish", zap.Duration("grace", shutdownGrace))
		grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		go func() { <-sigs; cancel() }() // a second signal stops at once
		srv.Drain(grace)
		if web != nil {
			_ = web.Shutdown(grace)
		}
		cancel()
		srv.Close()     // the calls left end and write their records; no hook runs after it
		persist.Close() // every record and registration change queued is written
		log.Info("stopped")
		return 0
	}
	return 0
}

// restoreBans puts back the bans the store kept (those not over yet): a
// restart does not lift them.
func restoreBans(ctx context.Context, st store.Store, srv *sip.Server, log *zap.Logger) {
	bans, err := st.Bans(ctx, time.Now())
	if err != nil {
		log.Warn("bans not restored", zap.Error(err))
		return
	}
	for _, b := range bans {
		if ip, err := netip.ParseAddr(b.Source); err == nil {
			srv.RestoreBan(ip, b.Until, b.Reason)
		}
	}
	if len(bans) > 0 {
		log.Info("bans restored", zap.Int("sources", len(bans)))
	}
}

// restoreBindings puts back the registrations the store kept, so phones
// stay reachable across a restart until their registrations expire.
func restoreBindings(ctx context.Context, st store.Store, srv *sip.Server, log *zap.Logger) {
	bs, err := st.Bindings(ctx, time.Now())
	if err != nil {
		log.Warn("registrations not restored", zap.Error(err))
		return
	}
	for _, b := range bs {
		if err := srv.RestoreBinding(b.Extension, b.Contact, b.Expires, b.CallID, b.CSeq, b.Source, b.Transport, b.Path, b.UserAgent); err != nil {
			log.Warn("registration not restored", zap.String("extension", b.Extension), zap.String("contact", b.Contact), zap.Error(err))
		}
	}
	if len(bs) > 0 {
		log.Info("registrations restored", zap.Int("contacts", len(bs)))
	}
}
