package bench

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// How the agents reach ringd. Over UDP each agent has its own socket and
// ringd sends to it there. Over a stream (tcp, tls, ws) an agent only
// connects: members must register, so that ringd rings them over the
// connection they registered on (their Contact host is *.invalid, as a
// browser's), and the caller's dialog runs over its own connection.
// ringbench does not check ringd's certificate (a load generator, not a
// phone). The wire counts (retransmissions, members' messages by method)
// cover the UDP agents only: a stream transport does not retransmit.

// Transports are the values of -transport and -caller-transport.
var Transports = []string{"udp", "tcp", "tls", "ws"}

func checkTransport(flag, t string) error {
	for _, ok := range Transports {
		if t == ok {
			return nil
		}
	}
	return fmt.Errorf("%s %q: one of udp, tcp, tls, ws", flag, t)
}

// agentUA is one agent's sipgo user agent, server and client. port is the
// UDP socket's port (0 over a stream).
func agentUA(name, ip string, port int, transport string) (*sipgo.UserAgent, *sipgo.Server, *sipgo.Client, error) {
	opts := []sipgo.UserAgentOption{sipgo.WithUserAgent(name), sipgo.WithUserAgentHostname(ip)}
	if transport == "tls" {
		opts = append(opts, sipgo.WithUserAgenTLSConfig(&tls.Config{InsecureSkipVerify: true}))
	}
	ua, err := sipgo.NewUA(opts...)
	if err != nil {
		return nil, nil, nil, err
	}
	copts := []sipgo.ClientOption{sipgo.WithClientHostname(ip), sipgo.WithClientLogger(sipLogger)}
	if port > 0 {
		copts = append(copts, sipgo.WithClientPort(port))
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(sipLogger))
	var client *sipgo.Client
	if err == nil {
		client, err = sipgo.NewClient(ua, copts...)
	}
	if err != nil {
		ua.Close()
		return nil, nil, nil, err
	}
	return ua, srv, client, nil
}

// ringdURI is sip:[user@]host:port of ringd's address, with
// ;transport= over a stream.
func ringdURI(user, addr, transport string) sip.Uri {
	host, ps, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(ps)
	u := sip.Uri{Scheme: "sip", User: user, Host: host, Port: port}
	return withTransport(u, transport)
}

func withTransport(u sip.Uri, transport string) sip.Uri {
	if transport != "udp" {
		u.UriParams = sip.NewParams()
		u.UriParams.Add("transport", transport)
	}
	return u
}

// streamContact is the Contact of an agent on a stream: not reachable by
// itself (ringd uses the agent's connection).
func streamContact(user, transport string) sip.Uri {
	return withTransport(sip.Uri{Scheme: "sip", User: user, Host: "ringbench-" + user + ".invalid"}, transport)
}
