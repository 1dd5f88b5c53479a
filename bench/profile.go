package bench

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Behaviour is what a member does with one INVITE.
type Behaviour struct {
	Kind  Kind
	After time.Duration // answer: ring this long before the 200
}

// Kind is a member behaviour.
type Kind int

const (
	Answer   Kind = iota // 180 at once, 200 (SDP) after After unless cancelled; waits for the ACK, takes the BYE
	Ring                 // 180 at once, then nothing until CANCEL (487) or the end of the run
	Busy                 // 486 Busy Here at once
	NoAnswer             // 100 Trying at once, then nothing (no 180) until CANCEL (487) or the end of the run
)

func (b Behaviour) String() string {
	switch b.Kind {
	case Answer:
		return "answer:" + b.After.String()
	case Ring:
		return "ring"
	case Busy:
		return "busy"
	case NoAnswer:
		return "noanswer"
	}
	return "?"
}

// Weighted is one behaviour of a mix and its weight.
type Weighted struct {
	Behaviour Behaviour
	Weight    int
}

// Profile is the -profile flag: one behaviour for every INVITE, or a
// weighted mix drawn per INVITE (MixBy "call") or dealt out to the members
// once (MixBy "member").
type Profile struct {
	Mix []Weighted // one entry with weight 1 when not a mix
}

// String gives the profile back in flag syntax.
func (p Profile) String() string {
	if len(p.Mix) == 1 && p.Mix[0].Weight == 1 {
		return p.Mix[0].Behaviour.String()
	}
	parts := make([]string, len(p.Mix))
	for i, w := range p.Mix {
		parts[i] = w.Behaviour.String() + "=" + strconv.Itoa(w.Weight)
	}
	return "mix:" + strings.Join(parts, ",")
}

// ParseProfile reads `answer[:DURATION]`, `ring`, `busy`, `noanswer` or
// `mix:B=W,B=W,...` (B one of the others, W a positive integer weight).
func ParseProfile(s string) (Profile, error) {
	if rest, ok := strings.CutPrefix(s, "mix:"); ok {
		var p Profile
		for part := range strings.SplitSeq(rest, ",") {
			i := strings.LastIndexByte(part, '=')
			if i < 0 {
				return Profile{}, fmt.Errorf("mix entry %q: want BEHAVIOUR=WEIGHT", part)
			}
			b, err := parseBehaviour(part[:i])
			if err != nil {
				return Profile{}, err
			}
			w, err := strconv.Atoi(part[i+1:])
			if err != nil || w < 0 {
				return Profile{}, fmt.Errorf("mix entry %q: weight must be an integer >= 0", part)
			}
			if w > 0 {
				p.Mix = append(p.Mix, Weighted{b, w})
			}
		}
		if len(p.Mix) == 0 {
			return Profile{}, fmt.Errorf("mix %q: no behaviour with a weight above 0", s)
		}
		return p, nil
	}
	b, err := parseBehaviour(s)
	if err != nil {
		return Profile{}, err
	}
	return Profile{Mix: []Weighted{{b, 1}}}, nil
}

func parseBehaviour(s string) (Behaviour, error) {
	switch s {
	case "ring":
		return Behaviour{Kind: Ring}, nil
	case "busy":
		return Behaviour{Kind: Busy}, nil
	case "noanswer":
		return Behaviour{Kind: NoAnswer}, nil
	case "answer":
		return Behaviour{Kind: Answer}, nil
	}
	if rest, ok := strings.CutPrefix(s, "answer:"); ok {
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 {
			return Behaviour{}, fmt.Errorf("behaviour %q: want answer:DURATION like answer:300ms", s)
		}
		return Behaviour{Kind: Answer, After: d}, nil
	}
	return Behaviour{}, fmt.Errorf("unknown behaviour %q (answer[:DURATION], ring, busy, noanswer, mix:B=W,...)", s)
}

// total is the sum of the weights.
func (p Profile) total() int {
	t := 0
	for _, w := range p.Mix {
		t += w.Weight
	}
	return t
}

// draw picks a behaviour at random, in proportion to the weights.
func (p Profile) draw(r *rand.Rand) Behaviour {
	if len(p.Mix) == 1 {
		return p.Mix[0].Behaviour
	}
	n := r.IntN(p.total())
	for _, w := range p.Mix {
		if n < w.Weight {
			return w.Behaviour
		}
		n -= w.Weight
	}
	return p.Mix[len(p.Mix)-1].Behaviour
}

// deal gives each of n members one behaviour for the whole run, in
// proportion to the weights (largest remainder), in mix order: with
// mix:answer=1,busy=1,ring=1 and 3 members the first answers, the second
// is busy, the third rings.
func (p Profile) deal(n int) []Behaviour {
	total := p.total()
	counts := make([]int, len(p.Mix))
	type rem struct{ i, r int }
	rems := make([]rem, len(p.Mix))
	given := 0
	for i, w := range p.Mix {
		counts[i] = n * w.Weight / total
		rems[i] = rem{i, n * w.Weight % total}
		given += counts[i]
	}
	for given < n {
		best := 0
		for j := range rems {
			if rems[j].r > rems[best].r {
				best = j
			}
		}
		counts[rems[best].i]++
		rems[best].r = -1
		given++
	}
	out := make([]Behaviour, 0, n)
	for i, c := range counts {
		for range c {
			out = append(out, p.Mix[i].Behaviour)
		}
	}
	return out
}
