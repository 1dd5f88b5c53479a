package main

import (
	"log"
	"net"
	"net/http"

	"go.uber.org/zap"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/sip/transport"
)

// serveWeb serves the admin API on ln: over HTTPS with the certificate of
// http.tls when it is set (then it returns the loaded certificates, for
// SIGHUP to read again), else plain HTTP.
func serveWeb(web *http.Server, ln net.Listener, t *config.HTTPTLS) (*transport.Certificates, error) {
	if t == nil {
		go func() { _ = web.Serve(ln) }()
		return nil, nil
	}
	certs := &transport.Certificates{}
	if err := certs.Load(transport.TLSFiles{Cert: t.Cert, Key: t.Key}); err != nil {
		return nil, err
	}
	web.TLSConfig = certs.ServerConfig()
	go func() { _ = web.ServeTLS(ln, "", "") }()
	return certs, nil
}

// reloadWebCerts reads http.tls's files again (SIGHUP): the next handshake
// presents the new certificate; files that do not load keep the old one.
func reloadWebCerts(certs *transport.Certificates, t *config.HTTPTLS, lg *zap.Logger) {
	if err := certs.Load(transport.TLSFiles{Cert: t.Cert, Key: t.Key}); err != nil {
		lg.Error("http.tls not reloaded: still serving the previous certificate", zap.Error(err))
	}
}

// httpErrorLog takes what net/http reports of its connections (failed TLS
// handshakes, bad requests) at debug level: a handshake flood must not
// flood the log.
func httpErrorLog(lg *zap.Logger) *log.Logger {
	l, err := zap.NewStdLogAt(lg.Named("http"), zap.DebugLevel)
	if err != nil {
		return nil
	}
	return l
}
