package metrics

import (
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/sip/clock"
	"github.com/ringd/ringd/strategy"
)

// BenchmarkCallBookkeeping measures what metrics and the info log line add
// to a call on the driver: a full engine call (arrive, three legs ring, one
// answers, the caller hangs up, the record) with and without the driver's
// metric updates and the call's log line (a JSON encoder into a discard
// writer, as in production minus the write).
func BenchmarkCallBookkeeping(b *testing.B) {
	spec := engine.Spec{Domain: "ringd.local"}
	var members []engine.MemberSpec
	for i := range 3 {
		n := strconv.Itoa(1001 + i)
		spec.Extensions = append(spec.Extensions, engine.ExtensionSpec{Number: n})
		members = append(members, engine.MemberSpec{Extension: n})
	}
	spec.Groups = []engine.GroupSpec{{Number: "6000", Name: "Bench", Strategy: strategy.RingAll, RingTime: 20 * time.Second, SkipBusy: true, Members: members}}
	snap, err := engine.Compile(spec, nil)
	if err != nil {
		b.Fatal(err)
	}
	gid, _ := snap.Group("6000")
	clk := clock.Real()
	run := func(b *testing.B, m *Metrics, log *zap.Logger) {
		e := engine.New(snap)
		out := make([]engine.Action, 0, 32)
		for i := range 3 {
			out = e.SetMember(0, strategy.ExtID(i), strategy.Online, out[:0])
		}
		now := int64(0)
		b.ReportAllocs()
		for b.Loop() {
			now += int64(time.Second)
			t0 := clk.Now()
			var id engine.CallID
			id, out = e.Arrive(now, now, gid, engine.Caller{Name: "2000"}, out[:0])
			m.Decided(clk.Now().Sub(t0))
			m.CallStarted("6000")
			for range 3 {
				m.LegRinging(1)
			}
			out = e.Answered(now+int64(time.Second), id, 1, 200, out[:0])
			for range 3 {
				m.LegRinging(-1)
			}
			out = e.Hangup(now+int64(2*time.Second), id, out[:0])
			for i := range out {
				if out[i].Kind == engine.ActRecord {
					r := out[i].Record
					m.CallEnded(r)
					if log != nil {
						log.Info("call", zap.String("call_id", "bench@127.0.0.1"), zap.String("group", "6000"),
							zap.String("strategy", "ring_all"), zap.Strings("planned", []string{"1001", "1002", "1003"}),
							zap.String("outcome", r.Outcome.String()), zap.String("caller", r.Caller), zap.Int("legs", len(r.Legs)),
							zap.Duration("duration", time.Duration(r.End-r.Start)), zap.String("answered_by", "1002"),
							zap.Duration("answer_time", time.Duration(r.Answer-r.Start)))
					}
				}
			}
		}
	}
	b.Run("engine only", func(b *testing.B) { run(b, nil, nil) })
	b.Run("with metrics", func(b *testing.B) { run(b, New(prometheus.NewRegistry()), nil) })
	b.Run("with metrics and log", func(b *testing.B) {
		core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(discard{}), zap.InfoLevel)
		run(b, New(prometheus.NewRegistry()), zap.New(core))
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
