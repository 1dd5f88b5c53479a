package bench

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// caller is the calling side: one sipgo user agent, on one UDP port or one
// connection to ringd, placing every call of the run to the group.
type caller struct {
	cfg    Config
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client
	conn   net.PacketConn // nil over a stream
	dc     *sipgo.DialogClientCache
	target sip.Uri // sip:GROUP@ringd-host:port
	proxy  sip.Uri // sip:ringd-host:port
	sdp    []byte
}

func startCaller(cfg Config, w *wire) (*caller, error) {
	c := &caller{cfg: cfg,
		target: ringdURI(cfg.Group, cfg.CallerProxy, cfg.CallerTransport),
		proxy:  ringdURI("", cfg.CallerProxy, cfg.CallerTransport)}
	port := 0
	if cfg.CallerTransport == "udp" {
		conn, err := net.ListenPacket("udp", net.JoinHostPort(cfg.LocalIP, "0"))
		if err != nil {
			return nil, fmt.Errorf("caller: %w", err)
		}
		growBuffers(conn)
		c.conn, port = conn, conn.LocalAddr().(*net.UDPAddr).Port
	}
	c.sdp = sdpOffer(cfg.LocalIP, port)
	var err error
	if c.ua, c.srv, c.client, err = agentUA("ringbench", cfg.LocalIP, port, cfg.CallerTransport); err != nil {
		if c.conn != nil {
			c.conn.Close()
		}
		return nil, err
	}
	contact := streamContact(cfg.Caller, cfg.CallerTransport)
	if c.conn != nil {
		contact = sip.Uri{Scheme: "sip", User: cfg.Caller, Host: cfg.LocalIP, Port: port}
	}
	c.dc = sipgo.NewDialogClientCache(c.client, sip.ContactHeader{Address: contact})
	c.srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		if err := c.dc.ReadBye(req, tx); err != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		}
	})
	if c.conn != nil {
		theTap.add(c.conn.LocalAddr().String(), w, false)
		go func() { _ = c.srv.ServeUDP(c.conn) }()
	}
	return c, nil
}

func (c *caller) close() {
	_ = c.ua.Close()
	if c.conn != nil {
		theTap.remove(c.conn.LocalAddr().String())
		_ = c.conn.Close()
	}
}

// ping sends OPTIONS to ringd: any response means it is there.
func (c *caller) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req := sip.NewRequest(sip.OPTIONS, c.proxy)
	if _, err := c.client.Do(ctx, req); err != nil {
		return fmt.Errorf("ringd does not answer OPTIONS at %s: %w", c.proxy.String(), err)
	}
	return nil
}

// call places one call: INVITE (digest on challenge), then on 200 ACK,
// hold, BYE. It returns the outcome and the final code of a failure.
func (c *caller) call(runCtx context.Context, st *stats) (Outcome, int) {
	ctx, cancel := context.WithTimeout(runCtx, c.cfg.Timeout)
	defer cancel()
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: c.cfg.Caller, Host: c.cfg.Domain}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(10))
	to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: c.cfg.Group, Host: c.cfg.Domain}, Params: sip.NewParams()}
	start := time.Now()
	sess, err := c.dc.Invite(ctx, c.target, c.sdp, from, to, sip.NewHeader("Content-Type", "application/sdp"))
	if err != nil {
		return Errored, 0
	}
	defer sess.Close()
	rang := false
	err = sess.WaitAnswer(ctx, sipgo.AnswerOptions{
		Username: c.cfg.Caller,
		Password: c.cfg.CallerPassword,
		OnResponse: func(res *sip.Response) error {
			switch {
			case !rang && (res.StatusCode == 180 || res.StatusCode == 183):
				rang = true
				st.ringingAfter(time.Since(start))
			case res.IsSuccess():
				st.answeredAfter(time.Since(start))
			}
			return nil
		},
	})
	if err != nil {
		return classifyInvite(err, runCtx, ctx)
	}
	ackCtx, ackCancel := context.WithTimeout(context.Background(), c.cfg.Timeout)
	defer ackCancel()
	if err := sess.Ack(ackCtx); err != nil {
		return Errored, 0
	}
	if c.cfg.Hold > 0 {
		t := time.NewTimer(c.cfg.Hold)
		select {
		case <-t.C:
		case <-runCtx.Done(): // stopping: hang up now
			t.Stop()
		}
	}
	byeStart := time.Now()
	if err := sess.Bye(ackCtx); err != nil {
		return ByeFailed, 0
	}
	st.byeAfter(time.Since(byeStart))
	return Answered, 0
}
