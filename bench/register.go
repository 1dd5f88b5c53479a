package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// register binds the member's contact at ringd for expires (0 removes it),
// answering a 401/407 challenge with the extension's digest credentials.
func (m *member) register(ctx context.Context, cfg Config, expires time.Duration) error {
	req := sip.NewRequest(sip.REGISTER, ringdURI("", cfg.Proxy, cfg.Transport))
	aor := sip.Uri{Scheme: "sip", User: m.ext, Host: cfg.Domain}
	req.AppendHeader(&sip.ToHeader{Address: aor})
	from := &sip.FromHeader{Address: aor, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(8))
	req.AppendHeader(from)
	req.AppendHeader(&sip.ContactHeader{Address: m.contact()})
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(int(expires/time.Second))))
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := m.client.Do(ctx, req)
	if err == nil && (res.StatusCode == 401 || res.StatusCode == 407) {
		res, err = m.client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: m.ext, Password: cfg.password(m.ext)})
	}
	if err != nil {
		return fmt.Errorf("REGISTER %s: %w", m.ext, err)
	}
	if res.StatusCode != 200 {
		return fmt.Errorf("REGISTER %s: %d %s", m.ext, res.StatusCode, res.Reason)
	}
	return nil
}

// keepRegistered refreshes the binding at half its lifetime until ctx
// ends, counting refreshes that failed.
func (m *member) keepRegistered(ctx context.Context, cfg Config, failed *atomic.Int64) {
	t := time.NewTicker(cfg.Expires / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.register(ctx, cfg, cfg.Expires); err != nil && ctx.Err() == nil {
				failed.Add(1)
			}
		}
	}
}

// forEach runs f on every member, at most par at a time, and returns the
// first error.
func forEach(ms []*member, par int, f func(*member) error) error {
	sem := make(chan struct{}, par)
	errs := make(chan error, len(ms))
	for _, m := range ms {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- f(m)
		}()
	}
	var first error
	for range ms {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}
