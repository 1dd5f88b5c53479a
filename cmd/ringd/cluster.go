package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/sip"
	"github.com/ringd/ringd/sip/cluster"
)

// openCluster makes this process a node of the cluster its config names
// (nil without a cluster section), with its metrics: ringd_cluster_nodes
// (the nodes seen at the last heartbeat) and
// ringd_cluster_writes_dropped_total (changes the full write queue could
// not take; they come back with the next resync).
func openCluster(ctx context.Context, cfg *config.Config, log *zap.Logger, reg prometheus.Registerer) (*cluster.Node, error) {
	if cfg.Cluster == nil {
		return nil, nil
	}
	dropped := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "ringd", Name: "cluster_writes_dropped_total",
		Help: "Changes to the cluster's shared state the full write queue could not take."})
	n, err := cluster.Open(ctx, cluster.Options{Name: cfg.Cluster.Node, Redis: cfg.Cluster.Redis, Log: log.Named("cluster"), Dropped: dropped.Inc})
	if err != nil {
		return nil, err
	}
	reg.MustRegister(dropped, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "ringd", Name: "cluster_nodes",
		Help: "Nodes of the cluster seen at the last heartbeat, this one included."}, func() float64 { return float64(n.PeerCount()) }))
	return n, nil
}

// startCluster puts a node to work once the SIP side listens: the others
// learn its listeners, changes through this node's API are announced, and
// the others' changes are read from the shared store within a second
// (the announcement comes over Redis at once; a Refresh reads the store).
func startCluster(n *cluster.Node, srv *sip.Server, lv *live.Live, log *zap.Logger) {
	if n == nil {
		return
	}
	var listeners []string
	for _, b := range srv.Bound() {
		listeners = append(listeners, b.Network+"://"+b.Addr)
	}
	n.SetSIP(listeners)
	lv.SetShared(n.ConfigChanged)
	refresh := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := lv.Refresh(ctx); err != nil {
			log.Error("cluster: the shared configuration could not be read again", zap.Error(err))
		}
	}
	n.OnMessage(func(m cluster.Message) {
		if m.Kind == cluster.KindConfig {
			go refresh()
		}
	})
	n.OnResync(refresh) // changes missed while Redis was away
	n.Start()
	log.Info("cluster node started", zap.String("node", n.Name()), zap.Strings("sip", listeners))
}

// clusterView serves GET /api/v1/cluster: the nodes seen in the last 10 s
// (this one alone when ringd is not a cluster node).
func clusterView(n *cluster.Node, srv *sip.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var nodes []cluster.NodeInfo
		if n == nil {
			self := cluster.NodeInfo{Name: "", Self: true, LastSeen: time.Now().UTC()}
			for _, b := range srv.Bound() {
				self.SIP = append(self.SIP, b.Network+"://"+b.Addr)
			}
			nodes = []cluster.NodeInfo{self}
		} else {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second) // Redis away: 503, not a wait
			defer cancel()
			var err error
			if nodes, err = n.Nodes(ctx); err != nil {
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": "Service Unavailable", "status": 503,
					"detail": "Redis is not reachable: " + err.Error()})
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"nodes": nodes})
	}
}

// restoreOwnBindings puts back the registrations this node held before it
// restarted, from Redis (in a cluster the store's bindings are every
// node's; the others' come with the first resync).
func restoreOwnBindings(ctx context.Context, n *cluster.Node, srv *sip.Server, log *zap.Logger) {
	all, err := n.Bindings(ctx)
	if err != nil {
		log.Warn("registrations not restored from the cluster", zap.Error(err))
		return
	}
	restored := 0
	for ext, bs := range all {
		for _, b := range bs {
			if b.Node != n.Name() {
				continue
			}
			if err := srv.RestoreBinding(ext, b.Contact, b.Expires, b.CallID, b.CSeq, b.Source, b.Transport, b.Path, b.UserAgent); err == nil {
				restored++
			}
		}
	}
	if restored > 0 {
		log.Info("registrations restored from the cluster", zap.Int("contacts", restored))
	}
}

// startOnly names what a reloaded config changes of what is read only
// when ringd starts ("" when nothing): the store, the cluster section, the
// admin API's address and whether it speaks HTTPS. Such a reload is
// refused rather than half applied.
func startOnly(old, next *config.Config) string {
	a, b := old.Cluster, next.Cluster
	switch {
	case old.Store != next.Store:
		return "store"
	case (a == nil) != (b == nil) || a != nil && *a != *b:
		return "cluster"
	case old.HTTP.Listen != next.HTTP.Listen:
		return "http.listen"
	case (old.HTTP.TLS == nil) != (next.HTTP.TLS == nil):
		return "http.tls"
	}
	return ""
}
