package siptest

import (
	"crypto/tls"
	"testing"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// NewStreamAgent starts an agent for extension ext that has no listener of
// its own: it reaches ringd over transport (TCP, TLS or WS) on a
// connection it opens, as a phone behind NAT or a browser does, and
// ringd's requests must come back on that connection. Its Contact is
// contact (say sip:1001@x.invalid;transport=ws): nothing listens there.
// TLS trusts any certificate. It stops when the test ends.
func NewStreamAgent(t testing.TB, ext, transport string, contact sip.Uri) *Agent {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("agent-"+ext),
		sipgo.WithUserAgenTLSConfig(&tls.Config{InsecureSkipVerify: true}))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname(contact.Host))
	if err != nil {
		t.Fatal(err)
	}
	a := newAgent(t, ext, ua, srv, client)
	a.Transport = transport
	a.ContactURI = &contact
	t.Cleanup(func() { _ = ua.Close() })
	return a
}
