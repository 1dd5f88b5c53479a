package clustertest

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// pgConn is the least of PostgreSQL's frontend/backend protocol (version
// 3) the throwaway server needs: a connection with trust authentication
// and simple queries whose rows are not read. It keeps clustertest on the
// standard library (no driver).
type pgConn struct {
	c net.Conn
	r *bufio.Reader
}

// pgError is an ErrorResponse of the server.
type pgError struct {
	Severity, Code, Message string
}

func (e *pgError) Error() string { return e.Severity + ": " + e.Message + " (SQLSTATE " + e.Code + ")" }

// pgDial connects to addr (host:port) as user to database and waits for
// the server to be ready for queries.
func pgDial(ctx context.Context, addr, user, database string) (*pgConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &pgConn{c: c, r: bufio.NewReader(c)}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	var body []byte
	body = binary.BigEndian.AppendUint32(body, 196608) // protocol 3.0
	for _, kv := range [][2]string{{"user", user}, {"database", database}, {"application_name", "clustertest"}} {
		body = append(append(append(append(body, kv[0]...), 0), kv[1]...), 0)
	}
	body = append(body, 0)
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(body)+4))
	if _, err := c.Write(append(msg, body...)); err != nil {
		c.Close()
		return nil, err
	}
	if err := p.untilReady(true); err != nil {
		c.Close()
		return nil, err
	}
	_ = c.SetDeadline(time.Time{})
	return p, nil
}

// untilReady reads messages until ReadyForQuery; the first ErrorResponse
// is returned then (or at once during the start-up, when the server closes).
func (p *pgConn) untilReady(startup bool) error {
	var first error
	for {
		kind, body, err := p.read()
		if err != nil {
			if first != nil {
				return first
			}
			return err
		}
		switch kind {
		case 'R':
			if len(body) < 4 {
				return errors.New("postgres: short authentication message")
			}
			if code := binary.BigEndian.Uint32(body); code != 0 {
				return fmt.Errorf("postgres asks for authentication (method %d): the throwaway server trusts every local connection", code)
			}
		case 'E':
			e := parsePGError(body)
			if startup {
				return e
			}
			if first == nil {
				first = e
			}
		case 'Z':
			return first
		}
	}
}

func (p *pgConn) read() (byte, []byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(p.r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n < 4 || n > 1<<24 {
		return 0, nil, fmt.Errorf("postgres: message %q of %d bytes", head[0], n)
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(p.r, body); err != nil {
		return 0, nil, err
	}
	return head[0], body, nil
}

func parsePGError(body []byte) *pgError {
	e := &pgError{}
	for len(body) > 1 {
		code := body[0]
		end := strings.IndexByte(string(body[1:]), 0)
		if end < 0 {
			break
		}
		v := string(body[1 : 1+end])
		body = body[2+end:]
		switch code {
		case 'S':
			e.Severity = v
		case 'C':
			e.Code = v
		case 'M':
			e.Message = v
		}
	}
	return e
}

// exec runs one statement (or several, separated by ';') and discards
// what it returns.
func (p *pgConn) exec(ctx context.Context, sql string) error {
	if dl, ok := ctx.Deadline(); ok {
		_ = p.c.SetDeadline(dl)
		defer p.c.SetDeadline(time.Time{})
	}
	msg := []byte{'Q'}
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(sql)+5))
	msg = append(append(msg, sql...), 0)
	if _, err := p.c.Write(msg); err != nil {
		return err
	}
	return p.untilReady(false)
}

func (p *pgConn) close() {
	_, _ = p.c.Write([]byte{'X', 0, 0, 0, 4})
	_ = p.c.Close()
}
