package bench

import (
	"context"
	"sync"
	"time"
)

// launchCalls runs the schedule: each call is launched at its due time whatever
// became of the earlier ones (a late launcher catches up at once); a call
// due while MaxInflight calls are up is counted as aborted. It returns the
// launch window after every call has ended.
func launchCalls(ctx context.Context, cfg Config, sched schedule, c *caller, st *stats, start time.Time) time.Duration {
	var wg sync.WaitGroup
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	window := time.Duration(0)
	for k := 0; ; k++ {
		due, ok := sched.due(k)
		if !ok {
			window = max(sched.end(k), time.Since(start))
			break
		}
		if wait := time.Until(start.Add(due)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			window = time.Since(start)
			break
		}
		rate := sched.rate(due)
		if st.inFlight() >= int64(cfg.MaxInflight) {
			st.abort(due, rate)
			continue
		}
		st.launch(time.Since(start.Add(due)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, code := c.call(ctx, st)
			st.end(o, code, due, rate)
		}()
	}
	wg.Wait()
	return window
}
