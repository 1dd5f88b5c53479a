package main

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/ringd/ringd/sip"
)

// tendMemory runs the garbage-collector pacing and the memory trim once a
// second until ctx ends.
func tendMemory(ctx context.Context, srv *sip.Server) {
	var trim memTrim
	var gc gcTune
	t := time.NewTicker(time.Second)
	defer t.Stop()
	prev := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if trim.tick(now, now.Sub(prev)) {
				srv.Shrink()
				debug.FreeOSMemory()
			}
			gc.tick()
			prev = now
		}
	}
}
