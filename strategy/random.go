package strategy

import "math/bits"

// Rand is the random source of a call's draws (random_hunt,
// weighted_hunt): splitmix64 from a seed the engine is given, so that a
// run replays exactly. The zero value is a valid source (seed 0).
type Rand struct{ state uint64 }

// NewRand returns a source seeded with seed.
func NewRand(seed uint64) Rand { return Rand{state: seed} }

// Uint64 returns the next 64 random bits.
func (r *Rand) Uint64() uint64 {
	r.state += 0x9e3779b97f4a7c15
	z := r.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Intn returns a number in [0, n), n > 0 (multiply-shift: the bias is
// below 2^-57 for the sizes of a ring group).
func (r *Rand) Intn(n int) int {
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// Shuffle draws the order of a random strategy's plan with r, in place:
// random_hunt uniformly (Fisher-Yates), weighted_hunt by weight without
// replacement (each next member with probability its weight over the
// weights of the members left). Other strategies' plans are left as they
// are. It allocates nothing.
func (g *Group) Shuffle(plan []int32, r *Rand) {
	switch g.Kind {
	case RandomHunt:
		for i := len(plan) - 1; i > 0; i-- {
			j := r.Intn(i + 1)
			plan[i], plan[j] = plan[j], plan[i]
		}
	case WeightedHunt:
		left := 0
		for _, m := range plan {
			left += g.Members[m].Weight
		}
		for i := 0; i+1 < len(plan); i++ {
			x, j := r.Intn(left), i
			for ; j+1 < len(plan); j++ {
				if x -= g.Members[plan[j]].Weight; x < 0 {
					break
				}
			}
			plan[i], plan[j] = plan[j], plan[i]
			left -= g.Members[plan[i]].Weight
		}
	}
}
