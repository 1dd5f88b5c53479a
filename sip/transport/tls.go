package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
)

// TLSFiles is ringd's TLS material (sip.tls): PEM files of its
// certificate chain and key, and optionally of the CA certificates it
// trusts. With VerifyPeers ringd checks the certificate of every TLS peer
// it connects to (against CA, else the system's roots) and the client
// certificate a phone presents; without it, it takes any.
type TLSFiles struct {
	Cert, Key, CA string
	VerifyPeers   bool
}

// Certificates holds the TLS material loaded from TLSFiles; Load replaces
// it as a whole (SIGHUP), and the TLS listeners and connections made after
// that use the new one. Safe for concurrent use.
type Certificates struct {
	cur atomic.Pointer[material]
}

type material struct {
	files TLSFiles
	cert  *tls.Certificate
	roots *x509.CertPool // nil: the system's
}

// LoadTLS reads TLS material and reports what is wrong with it, naming
// the file.
func LoadTLS(f TLSFiles) (*tls.Certificate, *x509.CertPool, error) {
	if f.Cert == "" || f.Key == "" {
		return nil, nil, errors.New("cert and key are both required")
	}
	cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("cert %s, key %s: %w", f.Cert, f.Key, err)
	}
	if f.CA == "" {
		return &cert, nil, nil
	}
	pem, err := os.ReadFile(f.CA)
	if err != nil {
		return nil, nil, fmt.Errorf("ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, nil, fmt.Errorf("ca %s: no PEM certificate in it", f.CA)
	}
	return &cert, pool, nil
}

// Load reads the files and, when they are good, makes them the material
// in use; on an error the material in use stays.
func (c *Certificates) Load(f TLSFiles) error {
	cert, roots, err := LoadTLS(f)
	if err != nil {
		return err
	}
	c.cur.Store(&material{files: f, cert: cert, roots: roots})
	return nil
}

// Loaded reports whether there is material to serve TLS with.
func (c *Certificates) Loaded() bool { return c.cur.Load() != nil }

// ServerConfig is the configuration of ringd's TLS and WSS listeners: the
// certificate in use at each handshake.
func (c *Certificates) ServerConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			m := c.cur.Load()
			if m == nil {
				return nil, errors.New("no TLS certificate loaded")
			}
			conf := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{*m.cert}}
			if m.files.VerifyPeers {
				conf.ClientAuth, conf.ClientCAs = tls.VerifyClientCertIfGiven, m.roots
			}
			return conf, nil
		},
	}
}

// ClientConfig is the configuration of the TLS connections ringd opens:
// its certificate offered to peers that ask, and the peer's checked
// against the material in use at each handshake when VerifyPeers is set.
func (c *Certificates) ClientConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Checked by VerifyConnection, against the material in use then.
		InsecureSkipVerify: true,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			if m := c.cur.Load(); m != nil {
				return m.cert, nil
			}
			return &tls.Certificate{}, nil
		},
		VerifyConnection: func(cs tls.ConnectionState) error {
			m := c.cur.Load()
			if m == nil || !m.files.VerifyPeers {
				return nil
			}
			if len(cs.PeerCertificates) == 0 {
				return errors.New("tls: the peer sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, ic := range cs.PeerCertificates[1:] {
				inter.AddCert(ic)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: m.roots, Intermediates: inter, DNSName: cs.ServerName})
			return err
		},
	}
}
