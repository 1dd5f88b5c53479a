package sip

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// recordOf waits for the next call record.
func recordOf(t *testing.T, records <-chan cdr.Record) cdr.Record {
	t.Helper()
	select {
	case rec := <-records:
		return rec
	case <-time.After(3 * time.Second):
		t.Fatal("no call record")
	}
	return cdr.Record{}
}

// record_missed (SPEC §11): the missed-call record is written only when
// nobody answered, failover included; the record lists the failover leg
// and ends at the call's real end.
func TestMissedCallRecordOnlyWhenNobodyAnswered(t *testing.T) {
	t.Parallel()
	records := make(chan cdr.Record, 4)
	g := group("6000", strategy.RingAll, 5*time.Second, "1001")
	g.OnNoAgent = engine.DestinationSpec{Type: engine.DestExtension, Value: "1009"}
	g.RecordMissed = true
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "1009", "2000"), Groups: []engine.GroupSpec{g}},
		Hooks{Record: func(c cdr.Record) { records <- c }})
	fallback := registered(t, r, "1009")[0]

	// 1001 is offline: 1009 answers the failover leg.
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	r.advance(2 * time.Second)
	call.AckAndBye(t)
	rec := recordOf(t, records)
	if len(rec.Missed) != 0 || rec.AnsweredBy != "1009" || rec.Outcome != "no_agent" || len(rec.Legs) != 1 ||
		rec.Legs[0].Extension != "1009" || rec.Legs[0].Group != "" || rec.Legs[0].Result != "answered" || !rec.End.After(rec.Answer) {
		t.Errorf("answered by the failover: %+v", rec)
	}

	// 1009 declines: nobody answered, so 1009 gets its missed-call record.
	fallback.SetBehaviour(siptest.Refuse(486))
	call = siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	if code := call.Wait(t, 3*time.Second); code != 486 {
		t.Fatalf("caller got %d, want 1009's 486", code)
	}
	rec = recordOf(t, records)
	if !slices.Equal(rec.Missed, []string{"1009"}) || rec.AnsweredBy != "" || len(rec.Legs) != 1 || rec.Legs[0].Result != "busy" {
		t.Errorf("declined by the failover: %+v", rec)
	}
}

// A failover to a service (ivr): the service's leg is in the record with
// its URI, and whoever answers there ends the call's record at its BYE.
func TestServiceFailoverLegInTheRecord(t *testing.T) {
	t.Parallel()
	records := make(chan cdr.Record, 4)
	ivr := siptest.NewAgent(t, "ivr")
	g := group("6000", strategy.RingAll, 5*time.Second, "1001")
	g.OnNoAnswer = engine.DestinationSpec{Type: engine.DestIVR, Value: "main"}
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "2000"), Groups: []engine.GroupSpec{g},
		Services: map[engine.DestType]string{engine.DestIVR: "sip:ivr-{value}@127.0.0.1:" + strconv.Itoa(ivr.Port)}},
		Hooks{Record: func(c cdr.Record) { records <- c }})
	m := registered(t, r, "1001")[0]
	m.SetBehaviour(siptest.RingForever)
	call := siptest.NewAgent(t, "2000").Dial(context.Background(), r.addr, "6000")
	m.WaitInvite(2 * time.Second)
	r.advance(5 * time.Second) // 1001 rings out: the IVR answers
	inv := ivr.WaitInvite(2 * time.Second)
	if inv.Recipient.User != "ivr-main" {
		t.Errorf("IVR Request-URI %s", inv.Recipient.String())
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	call.AckAndBye(t)
	rec := recordOf(t, records)
	if rec.Outcome != "no_answer" || rec.Failover != "ivr" || len(rec.Legs) != 2 || rec.Legs[1].URI != inv.Recipient.String() ||
		rec.Legs[1].Result != "answered" || rec.AnsweredBy != "" || rec.Answer.IsZero() {
		t.Errorf("record %+v", rec)
	}
}
