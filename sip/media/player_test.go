package media

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// parseRTP parses a datagram the player sent.
func parseRTP(t *testing.T, b []byte) *rtp.Packet {
	t.Helper()
	var p rtp.Packet
	if err := p.Unmarshal(b); err != nil {
		t.Fatalf("not RTP: %v", err)
	}
	return &p
}

func TestPlayerOnePrompt(t *testing.T) {
	for _, c := range []struct {
		codec  Codec
		decode func(byte) int16
	}{{PCMU, DecodeULaw}, {PCMA, DecodeALaw}} {
		t.Run(c.codec.String(), func(t *testing.T) {
			prompt := promptOf(t, sine(8000))
			rx, tx := listen(t), listen(t)
			ended := make(chan struct{})
			clk := fakeClock()
			pl := Play(clk, tx, addrOf(rx), c.codec, []*Prompt{prompt}, nil, func() { close(ended) })
			got := paced(t, clk, rx, 50)
			clk.Advance(framePeriod)
			if more := readPackets(t, rx, 1, 20*time.Millisecond); len(more) != 0 {
				t.Errorf("a packet after the prompt")
			}
			select {
			case <-pl.Done():
			case <-time.After(time.Second):
				t.Fatal("Done not closed after the prompt")
			}
			select {
			case <-ended:
			default:
				t.Error("onSeqEnd not called")
			}
			if pl.Err() != nil {
				t.Errorf("Err: %v", pl.Err())
			}
			if len(got) != 50 {
				t.Fatalf("%d packets, want 50", len(got))
			}

			first := parseRTP(t, got[0].pkt)
			var pcm []int16
			for i, r := range got {
				p := parseRTP(t, r.pkt)
				if p.Version != 2 || p.PayloadType != uint8(c.codec) || p.SSRC != first.SSRC || len(p.Payload) != 160 {
					t.Fatalf("packet %d: %v", i, p.Header)
				}
				if p.SequenceNumber != first.SequenceNumber+uint16(i) || p.Timestamp != first.Timestamp+uint32(160*i) {
					t.Fatalf("packet %d: seq %d ts %d, first %d %d", i, p.SequenceNumber, p.Timestamp, first.SequenceNumber, first.Timestamp)
				}
				if p.Marker != (i == 0) {
					t.Errorf("packet %d: marker %v", i, p.Marker)
				}
				for _, b := range p.Payload {
					pcm = append(pcm, c.decode(b))
				}
			}
			for i, s := range prompt.PCM() {
				if want := c.decode(c.codec.encode(s)); pcm[i] != want {
					t.Fatalf("sample %d: %d, want %d", i, pcm[i], want)
				}
			}
		})
	}
}

// TestPlayerSeqThenLoop: a prompt played twice, then the loop; onSeqEnd
// comes after the sequence's last packet while the loop goes on.
func TestPlayerSeqThenLoop(t *testing.T) {
	seq := promptOf(t, constant(400, 1000)) // 50 ms: 3 frames, the last padded
	loop := promptOf(t, constant(320, -1000))
	rx, tx := listen(t), listen(t)
	ended := make(chan struct{})
	clk := fakeClock()
	pl := Play(clk, tx, addrOf(rx), PCMU, []*Prompt{seq, nil, seq}, loop, func() { close(ended) })
	defer pl.Stop()

	got := paced(t, clk, rx, 6)
	select {
	case <-ended:
	case <-time.After(time.Second):
		t.Fatal("onSeqEnd not called after the sequence")
	}
	clk.Advance(framePeriod)
	more := paced(t, clk, rx, 5)
	select {
	case <-pl.Done():
		t.Fatal("player ended while looping")
	default:
	}
	pl.Stop()
	select {
	case <-pl.Done():
	case <-time.After(time.Second):
		t.Fatal("Stop did not end the player")
	}

	var payloads [][]byte
	for _, r := range append(got, more...) {
		payloads = append(payloads, parseRTP(t, r.pkt).Payload)
	}
	for i, p := range payloads {
		var want byte
		switch {
		case i%3 == 2 && i < 6:
			want = 0 // checked below: 80 samples then silence
		case i < 6:
			want = EncodeULaw(1000)
		default:
			want = EncodeULaw(-1000)
		}
		if want != 0 && (p[0] != want || p[159] != want) {
			t.Errorf("packet %d: payload starts %#02x ends %#02x, want %#02x", i, p[0], p[159], want)
		}
	}
	if p := payloads[2]; p[79] != EncodeULaw(1000) || p[80] != 0xFF {
		t.Errorf("padded frame: %#02x %#02x", p[79], p[80])
	}
}

func TestPlayerStop(t *testing.T) {
	rx, tx := listen(t), listen(t)
	called := make(chan struct{}, 1)
	clk := fakeClock()
	pl := Play(clk, tx, addrOf(rx), PCMA, []*Prompt{promptOf(t, sine(16000))}, nil, func() { called <- struct{}{} })
	paced(t, clk, rx, 5)
	pl.Stop()
	pl.Stop()
	select {
	case <-pl.Done():
	case <-time.After(time.Second):
		t.Fatal("Done not closed after Stop")
	}
	clk.Advance(time.Second)
	if rest := readPackets(t, rx, 100, 20*time.Millisecond); len(rest) != 0 {
		t.Errorf("%d packets after Stop", len(rest))
	}
	select {
	case <-called:
		t.Error("onSeqEnd called though the sequence was stopped")
	default:
	}
}

func TestPlayerEmpty(t *testing.T) {
	rx, tx := listen(t), listen(t)
	called := make(chan struct{})
	pl := Play(fakeClock(), tx, addrOf(rx), PCMU, nil, nil, func() { close(called) })
	select {
	case <-pl.Done():
	case <-time.After(time.Second):
		t.Fatal("Done not closed")
	}
	select {
	case <-called:
	default:
		t.Error("onSeqEnd not called for an empty sequence")
	}
	if got := readPackets(t, rx, 1, 20*time.Millisecond); len(got) != 0 {
		t.Errorf("%d packets sent", len(got))
	}
}

func TestPlayerSendError(t *testing.T) {
	rx, tx := listen(t), listen(t)
	tx.Close()
	called := make(chan struct{}, 1)
	pl := Play(fakeClock(), tx, addrOf(rx), PCMU, []*Prompt{promptOf(t, sine(800))}, nil, func() { called <- struct{}{} })
	select {
	case <-pl.Done():
	case <-time.After(time.Second):
		t.Fatal("Done not closed after a send error")
	}
	if pl.Err() == nil {
		t.Error("no error")
	}
	// Whoever waits for the prompts (members of a play_full_join_prompt
	// group) goes on: the sequence is over, if unheard.
	select {
	case <-called:
	default:
		t.Error("onSeqEnd not called when sending failed")
	}
}
