package attacks

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// Conn is a client connection to ringd over one transport.
type Conn struct {
	Transport string // UDP, TCP, TLS, WS
	Local     string // host:port, for the Via
	udp       net.PacketConn
	to        net.Addr
	stream    net.Conn
	reader    *bufio.Reader
}

// localIP is the address connections leave from.
var localIP = "127.0.0.1"

// Dial connects to ringd's listener of transport at addr (host:port).
func Dial(ctx context.Context, transport, addr string) (*Conn, error) {
	c := &Conn{Transport: strings.ToUpper(transport)}
	var err error
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(localIP)}}
	switch c.Transport {
	case "UDP":
		if c.udp, err = net.ListenPacket("udp", localIP+":0"); err != nil {
			return nil, err
		}
		if c.to, err = net.ResolveUDPAddr("udp", addr); err != nil {
			return nil, err
		}
		c.Local = c.udp.LocalAddr().String()
		return c, nil
	case "TCP":
		c.stream, err = dialer.DialContext(ctx, "tcp", addr)
	case "TLS":
		c.stream, err = (&tls.Dialer{NetDialer: dialer, Config: &tls.Config{InsecureSkipVerify: true}}).DialContext(ctx, "tcp", addr)
	case "WS":
		c.stream, _, _, err = ws.Dialer{Protocols: []string{"sip"}, NetDial: dialer.DialContext}.Dial(ctx, "ws://"+addr+"/")
	default:
		return nil, errors.New("attacks: unknown transport " + transport)
	}
	if err != nil {
		return nil, err
	}
	c.Local = c.stream.LocalAddr().String()
	c.reader = bufio.NewReader(c.stream)
	return c, nil
}

// Close closes the connection.
func (c *Conn) Close() error {
	if c.udp != nil {
		return c.udp.Close()
	}
	return c.stream.Close()
}

// Send writes one message.
func (c *Conn) Send(msg []byte) error {
	switch {
	case c.udp != nil:
		_, err := c.udp.WriteTo(msg, c.to)
		return err
	case c.Transport == "WS":
		return wsutil.WriteClientMessage(c.stream, ws.OpText, msg)
	}
	_, err := c.stream.Write(msg)
	return err
}

// Final waits up to wait for a final response to msg (one with one of its
// Call-IDs) and returns its status code: 0 when none came in time, -1 when
// the connection closed. Provisional responses and other messages are
// skipped.
func (c *Conn) Final(msg []byte, wait time.Duration) int {
	ids := headerValues(msg, "Call-ID", "i")
	deadline := time.Now().Add(wait)
	for {
		got, err := c.read(deadline)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return 0
			}
			return -1
		}
		code := statusCode(got)
		if code >= 200 && slices.Contains(ids, headerValue(got, "Call-ID", "i")) {
			return code
		}
	}
}

// read returns the next message.
func (c *Conn) read(deadline time.Time) ([]byte, error) {
	if c.udp != nil {
		_ = c.udp.SetReadDeadline(deadline)
		buf := make([]byte, 65535)
		n, _, err := c.udp.ReadFrom(buf)
		return buf[:n], err
	}
	_ = c.stream.SetReadDeadline(deadline)
	if c.Transport == "WS" {
		data, _, err := wsutil.ReadServerData(c.stream)
		return data, err
	}
	return readStreamMessage(c.reader)
}

// readStreamMessage reads one SIP message from a byte stream: headers up
// to the blank line, then Content-Length bytes of body.
func readStreamMessage(r *bufio.Reader) ([]byte, error) {
	var head bytes.Buffer
	for {
		line, err := r.ReadBytes('\n')
		head.Write(line)
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			if head.Len() == len(line) {
				head.Reset() // a keep-alive CRLF before the message
				continue
			}
			break
		}
	}
	msg := head.Bytes()
	n, _ := strconv.Atoi(headerValue(msg, "Content-Length", "l"))
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return append(msg, body...), nil
}

// statusCode is a response's status code (0 for a request).
func statusCode(msg []byte) int {
	line, _, _ := bytes.Cut(msg, []byte("\r\n"))
	f := strings.Fields(string(line))
	if len(f) < 2 || !strings.HasPrefix(f[0], "SIP/") {
		return 0
	}
	code, _ := strconv.Atoi(f[1])
	return code
}

// headerValue is the value of the first header named name or short.
func headerValue(msg []byte, name, short string) string {
	if vs := headerValues(msg, name, short); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// headerValues are the values of the headers named name or short, up to
// the blank line.
func headerValues(msg []byte, name, short string) []string {
	var out []string
	for _, line := range strings.Split(string(msg), "\r\n")[1:] {
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if strings.EqualFold(k, name) || k == short {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}
