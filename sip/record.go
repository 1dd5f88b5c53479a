package sip

import (
	"time"

	"go.uber.org/zap"

	"github.com/ringd/ringd/engine"
)

// record logs a group call's one line at info - what was decided and how
// it ended - and each leg at debug; the record itself goes to the Record
// hook.
func (d *driver) record(c *call, r *engine.CallRecord) {
	if h := d.hooks.Record; h != nil {
		h(r.Flatten(c.callID))
	}
	snap := r.Snapshot
	// The fields go in the driver's own slice, reused call after call:
	// zap encodes them before Info returns.
	fields := append(d.logFields[:0],
		zap.String("call_id", c.callID),
		zap.String("group", snap.Groups[r.Group].Number),
		zap.String("strategy", c.strategy),
		zap.Strings("planned", c.planned),
		zap.String("outcome", r.Outcome.String()),
		zap.String("caller", r.Caller),
		zap.Int("legs", len(r.Legs)),
		zap.Duration("duration", time.Duration(r.End-r.Start)),
	)
	if r.AnsweredBy >= 0 {
		fields = append(fields, zap.String("answered_by", snap.Extensions[r.AnsweredBy].Number),
			zap.Duration("answer_time", time.Duration(r.Answer-r.Start)))
	}
	if r.Failover != nil {
		fields = append(fields, zap.String("failover", r.Failover.Type.String()), zap.String("failover_reason", r.FailoverReason.String()))
	}
	if r.LastGroup != r.Group {
		fields = append(fields, zap.String("last_group", snap.Groups[r.LastGroup].Number))
	}
	d.log.Info("call", fields...)
	clear(fields)
	d.logFields = fields[:0]
	if ce := d.log.Check(zap.DebugLevel, "leg"); ce != nil {
		for i, l := range r.Flatten(c.callID).Legs {
			d.log.Debug("leg", zap.String("call_id", c.callID), zap.Int("leg", i),
				zap.String("member", l.Extension), zap.String("group", l.Group), zap.String("uri", l.URI),
				zap.Duration("start", time.Duration(r.Legs[i].Start-r.Start)), zap.Duration("end", time.Duration(r.Legs[i].End-r.Start)),
				zap.String("result", l.Result), zap.Int("code", l.Code))
		}
	}
}
