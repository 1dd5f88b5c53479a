package sip

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sipgosip "github.com/emiago/sipgo/sip"
	"github.com/pion/rtp"

	"github.com/ringd/ringd/engine"
	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/media"
	"github.com/ringd/ringd/sip/proxy"
	"github.com/ringd/ringd/sip/siptest"
	"github.com/ringd/ringd/strategy"
)

// writeTone writes an 8 kHz mono 16-bit PCM WAV file of a sine tone.
func writeTone(t *testing.T, dir, name string, d time.Duration, hz float64) {
	t.Helper()
	n := int(d / (time.Second / 8000))
	data := make([]byte, 2*n)
	for i := range n {
		v := int16(8000 * math.Sin(2*math.Pi*hz*float64(i)/8000))
		binary.LittleEndian.PutUint16(data[2*i:], uint16(v))
	}
	hdr := make([]byte, 44)
	copy(hdr, "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(36+len(data)))
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	binary.LittleEndian.PutUint16(hdr[20:], 1)     // PCM
	binary.LittleEndian.PutUint16(hdr[22:], 1)     // mono
	binary.LittleEndian.PutUint32(hdr[24:], 8000)  // rate
	binary.LittleEndian.PutUint32(hdr[28:], 16000) // bytes/s
	binary.LittleEndian.PutUint16(hdr[32:], 2)     // block align
	binary.LittleEndian.PutUint16(hdr[34:], 16)    // bits
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], uint32(len(data)))
	if err := os.WriteFile(filepath.Join(dir, name), append(hdr, data...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// prompts writes tones of the given lengths and loads them as a library.
func prompts(t *testing.T, lengths map[string]time.Duration) *media.Library {
	t.Helper()
	dir := t.TempDir()
	var names []string
	hz := 300.0
	for name, d := range lengths {
		writeTone(t, dir, name, d, hz)
		hz += 150
		names = append(names, name)
	}
	lib, err := media.Load(dir, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// checkStream asserts one RTP stream: n packets, consecutive sequence
// numbers, timestamps +160, one SSRC, the marker on the first packet only,
// payload type pt. (pump checks the pacing.)
func checkStream(t *testing.T, got []siptest.Received, n int, pt uint8) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%d RTP packets, want %d", len(got), n)
	}
	first := got[0].Packet.Header
	for i, r := range got {
		h := r.Packet.Header
		if h.SequenceNumber != first.SequenceNumber+uint16(i) || h.Timestamp != first.Timestamp+uint32(160*i) ||
			h.SSRC != first.SSRC || h.PayloadType != pt || h.Marker != (i == 0) || len(r.Packet.Payload) != 160 {
			t.Fatalf("packet %d: seq %d ts %d ssrc %x pt %d marker %v len %d (first seq %d ts %d)", i, h.SequenceNumber,
				h.Timestamp, h.SSRC, h.PayloadType, h.Marker, len(r.Packet.Payload), first.SequenceNumber, first.Timestamp)
		}
	}
}

// frame is how often ringd's player sends a packet.
const frame = 20 * time.Millisecond

// pump plays ringd's clock forward one frame at a time until sink has n
// packets: one per frame, none early (the first one comes at once).
func pump(t *testing.T, r *testRingd, sink *siptest.RTPSink, n int) []siptest.Received {
	t.Helper()
	if len(sink.Packets()) == 0 {
		sink.WaitCount(1, 2*time.Second)
	}
	for have := len(sink.Packets()); have < n; have++ {
		r.clock.Advance(frame)
		if got := len(sink.WaitCount(have+1, 2*time.Second)); got != have+1 {
			t.Fatalf("%d packets after %d frames, want %d", got, have, have+1)
		}
		if got := sink.Quiet(2 * time.Millisecond); got != have+1 {
			t.Fatalf("%d packets after %d frames: one came early", got, have)
		}
	}
	return sink.Packets()
}

func TestPlayGreetingPlaysThePromptAndHangsUp(t *testing.T) {
	t.Parallel()
	lib := prompts(t, map[string]time.Duration{"hello.wav": 500 * time.Millisecond})
	g := group("6100", strategy.RingAll, time.Second, "1001")
	g.OnNoAgent = engine.DestinationSpec{Type: engine.DestPlayGreeting, Value: "hello.wav", Repeat: 2}
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"), Groups: []engine.GroupSpec{g}},
		func(s *Settings) { s.Prompts = lib })

	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	call := caller.Dial(context.Background(), r.addr, "6100") // 1001 is not registered: no agent
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want ringd's 200", code)
	}
	call.Mu.Lock()
	body := call.Final.Body()
	call.Mu.Unlock()
	if !strings.Contains(string(body), "a=sendonly") || !strings.Contains(string(body), "PCMU/8000") {
		t.Errorf("ringd's SDP answer:\n%s", body)
	}
	// Nothing plays before the caller's ACK.
	r.advance(300 * time.Millisecond)
	if n := caller.RTP.Quiet(20 * time.Millisecond); n != 0 {
		t.Errorf("%d packets before the ACK", n)
	}
	call.Ack(t)
	got := pump(t, r, caller.RTP, 50)
	checkStream(t, got, 50, 0)

	// The audio is the prompt, twice: every payload decodes to the
	// prompt's samples as u-law carries them.
	pcm := lib.Get("hello.wav").PCM()
	for i, r := range got {
		for j, b := range r.Packet.Payload {
			k := (i%25)*160 + j
			if want := media.DecodeULaw(media.EncodeULaw(pcm[k])); media.DecodeULaw(b) != want {
				t.Fatalf("packet %d sample %d = %d, want %d", i, j, media.DecodeULaw(b), want)
			}
		}
	}
	// Then ringd hangs up.
	eventually(t, func() bool { _, _, _, byes := caller.Counts(); return byes == 1 })
	r.advance(time.Second)
	if n := caller.RTP.Quiet(20 * time.Millisecond); n != 50 {
		t.Errorf("%d packets after the BYE, want 50", n)
	}
	eventually(t, func() bool { return r.drv.rtp.InUse() == 0 })
}

func TestGreetingStopsWhenTheCallerHangsUp(t *testing.T) {
	t.Parallel()
	lib := prompts(t, map[string]time.Duration{"long.wav": 5 * time.Second})
	g := group("6101", strategy.RingAll, time.Second, "1001")
	g.OnNoAgent = engine.DestinationSpec{Type: engine.DestPlayGreeting, Value: "long.wav", Repeat: 1}
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"), Groups: []engine.GroupSpec{g}},
		func(s *Settings) { s.Prompts = lib })
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	call := caller.Dial(context.Background(), r.addr, "6101")
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want 200", code)
	}
	call.Ack(t)
	pump(t, r, caller.RTP, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := call.Sess.Bye(ctx); err != nil { // ringd answers it itself
		t.Fatal(err)
	}
	r.advance(5 * time.Second)
	if n := caller.RTP.Quiet(20 * time.Millisecond); n != 10 {
		t.Errorf("%d packets, want the 10 before the caller hung up", n)
	}
	if _, _, _, byes := caller.Counts(); byes != 0 {
		t.Errorf("ringd sent %d BYEs after the caller's", byes)
	}
	eventually(t, func() bool { return r.drv.rtp.InUse() == 0 })
}

func TestJoinPromptPlaysWhileMembersRingThenTheMemberAnswers(t *testing.T) {
	t.Parallel()
	lib := prompts(t, map[string]time.Duration{"join.wav": 400 * time.Millisecond, "moh.wav": 200 * time.Millisecond})
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6200", strategy.RingAll, 5*time.Second, "1001")}},
		func(s *Settings) {
			s.Prompts = lib
			s.GroupMedia = map[string]GroupMedia{"6200": {Join: lib.Get("join.wav"), MOH: lib.Get("moh.wav")}}
		})
	m := registered(t, r, "1001")[0]
	answer := make(chan struct{})
	m.SetBehaviour(siptest.AnswerWhen(answer))
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	call := caller.Dial(context.Background(), r.addr, "6200")

	// The member rings at once (no play_full_join_prompt): the clock has
	// not moved.
	inv := m.WaitInvite(2 * time.Second)
	// The member is offered the caller's own media, not ringd's.
	if a, ok := siptest.SDPAddr(inv.Body()); !ok || int(a.Port()) != caller.RTP.Port() {
		t.Errorf("member's offer points at %v, want the caller's port %d", a, caller.RTP.Port())
	}
	// One second of early media: the join prompt (20 packets), then music
	// on hold (10 packets a round), one stream without a gap.
	got := pump(t, r, caller.RTP, 50)
	close(answer)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d, want the member's 200", code)
	}
	call.Mu.Lock()
	early, final := call.Early, call.Final
	call.Mu.Unlock()
	var progress *siptestResponse
	for _, e := range early {
		if e.StatusCode == 183 {
			progress = &siptestResponse{tag: proxy.ToTag(e), body: string(e.Body())}
		}
		if e.StatusCode == 180 {
			t.Errorf("the member's 180 reached the caller while ringd played early media")
		}
	}
	if progress == nil {
		t.Fatalf("no 183 Session Progress from ringd (got %v)", call.Codes)
	}
	if !strings.Contains(progress.body, "m=audio") || progress.tag == "" || progress.tag == proxy.ToTag(final) {
		t.Errorf("183 tag %q body %q; the member's 200 has tag %q", progress.tag, progress.body, proxy.ToTag(final))
	}
	checkStream(t, got, 50, 0)
	r.advance(time.Second) // the member answered: the music stopped
	if n := caller.RTP.Quiet(20 * time.Millisecond); n != 50 {
		t.Errorf("%d packets, want the 50 before the answer", n)
	}
	call.AckAndBye(t)
	eventually(t, func() bool { return r.drv.rtp.InUse() == 0 })
}

type siptestResponse struct{ tag, body string }

func TestPlayFullJoinPromptRingsTheMembersAfterIt(t *testing.T) {
	t.Parallel()
	lib := prompts(t, map[string]time.Duration{"welcome.wav": 300 * time.Millisecond, "join.wav": 300 * time.Millisecond})
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6300", strategy.RingAll, 5*time.Second, "1001")}},
		func(s *Settings) {
			s.Prompts = lib
			s.GroupMedia = map[string]GroupMedia{"6300": {Welcome: lib.Get("welcome.wav"), Join: lib.Get("join.wav"), FullJoin: true}}
		})
	m := registered(t, r, "1001")[0]
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	call := caller.Dial(context.Background(), r.addr, "6300")
	// The member rings once both prompts (30 packets, the last at 580 ms)
	// have been played, not before.
	pump(t, r, caller.RTP, 29)
	m.NoInvite(50 * time.Millisecond)
	pump(t, r, caller.RTP, 30)
	m.WaitInvite(3 * time.Second)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	call.AckAndBye(t)
}

func TestCallerCancelDuringTheFullJoinPrompt(t *testing.T) {
	t.Parallel()
	lib := prompts(t, map[string]time.Duration{"join.wav": 2 * time.Second})
	records := make(chan cdr.Record, 4)
	r := startRingdWith(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6301", strategy.RingAll, 5*time.Second, "1001")}},
		Hooks{Record: func(c cdr.Record) { records <- c }},
		func(s *Settings) {
			s.Prompts = lib
			s.GroupMedia = map[string]GroupMedia{"6301": {Join: lib.Get("join.wav"), FullJoin: true}}
		})
	m := registered(t, r, "1001")[0]
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	ctx, cancel := context.WithCancel(context.Background())
	call := caller.Dial(ctx, r.addr, "6301")
	pump(t, r, caller.RTP, 5)
	cancel() // sipgo CANCELs the INVITE
	if code := call.Wait(t, 3*time.Second); code != 487 && code != 0 {
		t.Errorf("caller got %d, want 487", code)
	}
	// The call is over at once: abandoned, with no legs, and nothing keeps
	// a graceful stop waiting.
	select {
	case rec := <-records:
		if rec.Outcome != "abandoned" || len(rec.Legs) != 0 || rec.Group != "6301" {
			t.Errorf("record %+v, want abandoned at 6301 with no legs", rec)
		}
	case <-time.After(time.Second):
		t.Fatal("no call record for the call cancelled during its prompts")
	}
	eventually(t, func() bool { return r.drv.rtp.InUse() == 0 && r.ActiveCalls() == 0 })
	drained := make(chan struct{})
	go func() { r.Drain(context.Background()); close(drained) }()
	select {
	case <-drained:
	case <-time.After(time.Second):
		t.Errorf("Drain waits with no call ringing")
	}
	r.advance(3 * time.Second) // the prompt would have ended by now
	m.NoInvite(50 * time.Millisecond)
}

func TestPagingRelaysTheCallersAudioToEveryMember(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "1002", "1003", "2000"),
		Groups: []engine.GroupSpec{group("8100", strategy.PagingIntercom, 2*time.Second, "1001", "1002", "1003")}})
	ms := registered(t, r, "1001", "1002", "1003")
	for _, m := range ms {
		m.UseRTP(siptest.NewRTPSink(t))
	}
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	call := caller.Dial(context.Background(), r.addr, "8100")
	invites := make([]*sipgosip.Request, len(ms))
	for i, m := range ms {
		inv := m.WaitInvite(2 * time.Second)
		invites[i] = inv
		// ringd offers its own media, send-only, and takes the dialog itself.
		a, ok := siptest.SDPAddr(inv.Body())
		if !ok || int(a.Port()) == caller.RTP.Port() || !strings.Contains(string(inv.Body()), "a=sendonly") {
			t.Errorf("%s was offered %q, want ringd's own send-only SDP", m.Ext, inv.Body())
		}
		if c := inv.Contact(); c == nil || c.Address.User != "ringd" {
			t.Errorf("%s: Contact %v, want ringd's", m.Ext, c)
		}
	}
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("pager got %d", code)
	}
	call.Mu.Lock()
	ringdRTP, ok := siptest.SDPAddr(call.Final.Body())
	call.Mu.Unlock()
	if !ok {
		t.Fatal("no SDP in ringd's 200")
	}
	call.Ack(t)
	// every member auto-answered before the pager speaks
	for _, m := range ms {
		eventually(t, func() bool { _, _, acks, _ := m.Counts(); return acks == 1 })
	}
	talk := func(from, n int) {
		for i := from; i < from+n; i++ {
			p := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: uint16(60000 + i),
				Timestamp: uint32(1_000_000 + 160*i), SSRC: 0xCAFE}, Payload: []byte(strings.Repeat(string(rune('a'+i%26)), 160))}
			caller.RTP.Send(ringdRTP, p)
			time.Sleep(2 * time.Millisecond)
		}
	}
	talk(0, 50)
	ssrcs := map[uint32]bool{}
	for _, m := range ms {
		got := m.RTP.WaitCount(50, 2*time.Second)
		h0 := got[0].Packet.Header
		if h0.SSRC == 0xCAFE || ssrcs[h0.SSRC] || !h0.Marker {
			t.Errorf("%s: first packet SSRC %x marker %v; want its own SSRC and the marker", m.Ext, h0.SSRC, h0.Marker)
		}
		ssrcs[h0.SSRC] = true
		for i, r := range got {
			h := r.Packet.Header
			if h.SequenceNumber != h0.SequenceNumber+uint16(i) || h.Timestamp != h0.Timestamp+uint32(160*i) || h.SSRC != h0.SSRC ||
				r.Packet.Payload[0] != byte('a'+i%26) {
				t.Fatalf("%s packet %d: seq %d ts %d ssrc %x payload %q", m.Ext, i, h.SequenceNumber, h.Timestamp, h.SSRC, r.Packet.Payload[:1])
			}
		}
	}
	// One member hangs up; the others stay on the page.
	if code := ms[0].HangUp(invites[0]); code != 200 {
		t.Fatalf("member's BYE got %d", code)
	}
	talk(50, 20)
	for _, m := range ms[1:] {
		m.RTP.WaitCount(70, 2*time.Second)
	}
	if n := ms[0].RTP.Quiet(20 * time.Millisecond); n != 50 {
		t.Errorf("%s got %d packets after it hung up, want 50", ms[0].Ext, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := call.Sess.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[1:] {
		eventually(t, func() bool { _, _, _, byes := m.Counts(); return byes == 1 })
	}
	if _, _, _, byes := ms[0].Counts(); byes != 0 {
		t.Errorf("%s got a BYE after it left", ms[0].Ext)
	}
	eventually(t, func() bool { return r.drv.rtp.InUse() == 0 && r.ActiveCalls() == 0 })
}

func TestPagingRefusesACallerWithoutG711(t *testing.T) {
	t.Parallel()
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("8101", strategy.PagingIntercom, 2*time.Second, "1001")}})
	m := registered(t, r, "1001")[0]
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	caller.UseOffer([]byte("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n"))
	call := caller.Dial(context.Background(), r.addr, "8101")
	if code := call.Wait(t, 3*time.Second); code != 488 {
		t.Errorf("caller got %d, want 488 Not Acceptable Here", code)
	}
	m.NoInvite(50 * time.Millisecond)
}

// Without music on hold, the welcome prompt plays over and over until a
// member answers (SPEC §11).
func TestWelcomePromptLoopsUntilAnswered(t *testing.T) {
	t.Parallel()
	lib := prompts(t, map[string]time.Duration{"welcome.wav": 200 * time.Millisecond})
	r := startRingd(t, engine.Spec{Extensions: exts("1001", "2000"),
		Groups: []engine.GroupSpec{group("6400", strategy.RingAll, 5*time.Second, "1001")}},
		func(s *Settings) {
			s.Prompts = lib
			s.GroupMedia = map[string]GroupMedia{"6400": {Welcome: lib.Get("welcome.wav")}}
		})
	m := registered(t, r, "1001")[0]
	answer := make(chan struct{})
	m.SetBehaviour(siptest.AnswerWhen(answer))
	caller := siptest.NewAgent(t, "2000")
	caller.UseRTP(siptest.NewRTPSink(t))
	call := caller.Dial(context.Background(), r.addr, "6400")
	m.WaitInvite(2 * time.Second)
	got := pump(t, r, caller.RTP, 35) // three and a half rounds of a 10-packet prompt, one stream
	checkStream(t, got, 35, 0)
	for i := 10; i < 35; i++ {
		if string(got[i].Packet.Payload) != string(got[i%10].Packet.Payload) {
			t.Fatalf("packet %d is not the prompt's packet %d again", i, i%10)
		}
	}
	close(answer)
	if code := call.Wait(t, 3*time.Second); code != 200 {
		t.Fatalf("caller got %d", code)
	}
	r.advance(time.Second)
	if n := caller.RTP.Quiet(20 * time.Millisecond); n != 35 {
		t.Errorf("%d packets, want none after the answer", n)
	}
	call.AckAndBye(t)
}
