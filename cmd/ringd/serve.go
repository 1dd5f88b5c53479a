package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip"
)

// defaultConfig is what plain `ringd` serves when it exists.
const defaultConfig = "ringd.yaml"

// shutdownGrace is how long SIGTERM waits for ringing calls to finish.
const shutdownGrace = 30 * time.Second

// source loads the configuration being served: a file, or the demo.
type source struct {
	path string // "" for the embedded demo config
}

func (s source) load(prev *engine.Snapshot) (*config.Config, *engine.Snapshot, error) {
	var data []byte
	if s.path == "" {
		data = config.DemoYAML
	} else {
		var err error
		if data, err = os.ReadFile(s.path); err != nil {
			return nil, nil, err
		}
	}
	cfg, err := config.Parse(data)
	if err != nil {
		return nil, nil, err
	}
	snap, err := cfg.Compile(prev)
	if err != nil {
		return nil, nil, err
	}
	return cfg, snap, nil
}

func (s source) String() string {
	if s.path == "" {
		return "embedded demo config"
	}
	return s.path
}

func serveCmd(args []string, stdout, stderr io.Writer) int {
	path, err := configFlag("serve", args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "ringd serve:", err)
		return 2
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
	cfg, snap, err := src.load(nil)
	if err != nil {
		// Never start half-configured: every problem, then exit 1.
		fmt.Fprintf(stderr, "%s:\n%v\n", src, err)
		return 1
	}
	log, err := newLogger(cfg.Log)
	if err != nil {
		fmt.Fprintln(stderr, "ringd: log:", err)
		return 1
	}
	defer func() { _ = log.Sync() }()
	sip.RouteLibraryLogs(log)

	srv, err := sip.New(settings(cfg, snap), log)
	if err != nil {
		log.Error("cannot start", zap.Error(err))
		return 1
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	if err := srv.Start(ctx); err != nil {
		log.Error("cannot listen", zap.Error(err))
		return 1
	}
	log.Info("ringd started", zap.String("version", version()), zap.Stringer("config", src),
		zap.Int("extensions", len(cfg.Extensions)), zap.Int("ring_groups", len(cfg.RingGroups)))
	if cfg.HTTP.Listen != "" {
		log.Warn("the admin API (http.listen) is not built yet; only SIP is served", zap.String("http.listen", cfg.HTTP.Listen))
	}
	if path == "" {
		demoBanner(stdout, cfg, srv.Bound())
	}

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	for sig := range sigs {
		if sig == syscall.SIGHUP {
			next, nsnap, err := src.load(snap)
			if err != nil {
				log.Error("reload refused: the config has problems; still serving the previous one", zap.Stringer("config", src), zap.Error(err))
				continue
			}
			cfg, snap = next, nsnap
			srv.Apply(settings(cfg, snap))
			log.Info("config reloaded", zap.Stringer("config", src))
			continue
		}
		log.Info("stopping: new calls get 503, ringing calls may finish", zap.Duration("grace", shutdownGrace))
		grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		go func() { <-sigs; cancel() }() // a second signal stops at once
		srv.Drain(grace)
		cancel()
		srv.Close()
		log.Info("stopped")
		return 0
	}
	return 0
}

// settings translates the config file into what the SIP side needs.
func settings(cfg *config.Config, snap *engine.Snapshot) sip.Settings {
	st := sip.Settings{
		Domain:     cfg.SIP.Domain,
		Trusted:    cfg.TrustedPrefixes(),
		Extensions: map[string]sip.Extension{},
		Services:   map[string]string{},
		Snapshot:   snap,
	}
	for _, l := range cfg.Listeners() {
		st.Listen = append(st.Listen, sip.Listener{Network: l.Network, Addr: l.Addr})
	}
	for _, e := range cfg.Extensions {
		st.Extensions[e.Number] = sip.Extension{Password: e.Password, Contact: e.Contact, DND: e.DND}
	}
	for _, t := range []engine.DestType{engine.DestExternalNum, engine.DestExtVM, engine.DestGroupVM, engine.DestIVR, engine.DestCallFlow, engine.DestQueue} {
		if tpl := cfg.Services.Template(t); tpl != "" {
			key := t.String()
			if t == engine.DestExternalNum {
				key = "trunk"
			}
			st.Services[key] = tpl
		}
	}
	return st
}
