package media

import (
	"context"
	"math"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/sip/clock"
	sipmedia "github.com/ringd/ringd/sip/media"
)

// TestToneLoads: what ringbench tone writes is a prompt ringd loads, of
// the length asked for.
func TestToneLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.wav")
	if code := ToneMain(context.Background(), []string{"-o", path, "-ms", "500", "-hz", "1000"}, nil, nil); code != 0 {
		t.Fatalf("exit %d", code)
	}
	p, err := sipmedia.LoadPrompt(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Duration != 500*time.Millisecond || len(p.PCM()) != 4000 || len(p.Frames(sipmedia.PCMU)) != 25 {
		t.Fatalf("duration %s, %d samples, %d frames; want 500ms, 4000, 25", p.Duration, len(p.PCM()), len(p.Frames(sipmedia.PCMU)))
	}
	// 1000 Hz at 8000 Hz: samples 2, 10, 18... are the peaks, amplitude 0.5.
	peak := int(math.Round(0.5 * math.MaxInt16))
	for _, i := range []int{2, 10, 3994} {
		if got := int(p.PCM()[i]); got != peak {
			t.Errorf("sample %d = %d, want %d", i, got, peak)
		}
	}
	if p.PCM()[0] != 0 || p.PCM()[6] != -int16(peak) {
		t.Errorf("samples 0, 6 = %d, %d; want 0, %d", p.PCM()[0], p.PCM()[6], -peak)
	}
}

func TestToneRefused(t *testing.T) {
	dir := t.TempDir()
	// Another sample rate: written, but ringd must refuse it.
	path := filepath.Join(dir, "16k.wav")
	if code := ToneMain(context.Background(), []string{"-o", path, "-rate", "16000"}, nil, nil); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := sipmedia.LoadPrompt(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("a 16 kHz prompt loaded: %v", err)
	}
	var errs strings.Builder
	for _, args := range [][]string{{"-ms", "100"}, {"-o", path, "-ms", "0"}, {"-o", path, "-amp", "2"}, {"-o", path, "x"}} {
		errs.Reset()
		if code := ToneMain(context.Background(), args, nil, &errs); code != 2 || errs.Len() == 0 {
			t.Errorf("%q: exit %d, %q; want 2 and a message", args, code, errs.String())
		}
	}
}

// TestListenRingdPlayer: ringd's player (sip/media) plays a tone twice to
// the listener, which must find the stream ringd's play_greeting sends.
func TestListenRingdPlayer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "closed.wav")
	if err := (Tone{Duration: 500 * time.Millisecond, Hz: 440, Rate: 8000, Amp: 0.5}).WriteFile(path); err != nil {
		t.Fatal(err)
	}
	p, err := sipmedia.LoadPrompt(path)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ListenRTP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	res := runListener(context.Background(), l, 10*time.Second, 300*time.Millisecond)
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	pl := sipmedia.Play(clock.Real(), conn, l.Addr(), sipmedia.PCMA, []*sipmedia.Prompt{p, p}, nil, nil)
	<-pl.Done()
	if err := pl.Err(); err != nil {
		t.Fatal(err)
	}
	r := <-res
	w := DefaultRTPWant
	w.Min, w.Max, w.PT, w.Tolerance, w.MaxGap = 50, 50, 8, 10*time.Millisecond, 0 // timing loosely (busy machine)
	if bad := r.s.Check(w); r.err != nil || r.end != EndIdle || bad != nil {
		t.Fatalf("%s end=%s err=%v: %v", r.s.Summary(), r.end, r.err, bad)
	}
}
