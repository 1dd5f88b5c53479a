package bench

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseProfile(t *testing.T) {
	for in, want := range map[string]string{
		"answer:300ms":                        "answer:300ms",
		"answer":                              "answer:0s",
		"ring":                                "ring",
		"busy":                                "busy",
		"noanswer":                            "noanswer",
		"mix:answer:300ms=70,busy=10,ring=20": "mix:answer:300ms=70,busy=10,ring=20",
		"mix:answer=2,noanswer=0":             "mix:answer:0s=2", // weight 0 dropped
	} {
		p, err := ParseProfile(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := p.String(); got != want {
			t.Errorf("%s -> %s, want %s", in, p.String(), want)
		}
	}
	for _, bad := range []string{"", "answer:soon", "answer:-1s", "hangup", "mix:", "mix:busy", "mix:busy=x", "mix:busy=0", "mix:busy=-1"} {
		if _, err := ParseProfile(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestDrawFollowsWeights: draws per INVITE land near the weights.
func TestDrawFollowsWeights(t *testing.T) {
	p, _ := ParseProfile("mix:answer:300ms=70,busy=10,ring=20")
	r := rand.New(rand.NewPCG(1, 1))
	n := map[Kind]int{}
	for range 100_000 {
		n[p.draw(r).Kind]++
	}
	for k, want := range map[Kind]int{Answer: 70_000, Busy: 10_000, Ring: 20_000} {
		if d := n[k] - want; d < -1000 || d > 1000 {
			t.Errorf("kind %d drawn %d times, want about %d", k, n[k], want)
		}
	}
	if b := p.draw(r); b.Kind == Answer && b.After != 300*time.Millisecond {
		t.Errorf("answer drawn without its delay: %v", b)
	}
}

// TestDealGivesMembersTheirShare: per-member dealing is proportional, in
// mix order, largest remainder first.
func TestDealGivesMembersTheirShare(t *testing.T) {
	p, _ := ParseProfile("mix:answer:50ms=1,busy=1,ring=1")
	got := p.deal(3)
	if got[0].Kind != Answer || got[1].Kind != Busy || got[2].Kind != Ring {
		t.Fatalf("deal(3) = %v", got)
	}
	p, _ = ParseProfile("mix:answer=70,busy=10,ring=20")
	n := map[Kind]int{}
	for _, b := range p.deal(50) {
		n[b.Kind]++
	}
	if n[Answer] != 35 || n[Busy] != 5 || n[Ring] != 10 {
		t.Fatalf("deal(50) = %v", n)
	}
	if d := p.deal(1); len(d) != 1 || d[0].Kind != Answer {
		t.Fatalf("deal(1) = %v", d)
	}
}
