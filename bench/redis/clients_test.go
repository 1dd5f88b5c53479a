package redisbench

import (
	"context"
	"sort"
	"testing"
	"time"
)

// TestClients checks that every setup does the work the benchmarks time,
// and does it right.
func TestClients(t *testing.T) {
	ctx := context.Background()
	names := make([]string, 0, len(variants))
	for n := range variants {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			c, err := variants[name](srv.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			key := "test:" + name
			if err := c.Set(ctx, key, "v1"); err != nil {
				t.Fatal(err)
			}
			if v, err := c.Get(ctx, key); err != nil || v != "v1" {
				t.Fatalf("GET after SET = %q, %v", v, err)
			}
			group := "test:group:" + name
			if err := c.Set(ctx, group, vals[0]); err != nil {
				t.Fatal(err)
			}
			if n, err := c.CAS(ctx, group, vals[0], vals[1]); err != nil || n != 1 {
				t.Fatalf("CAS from the held value = %d, %v; want 1", n, err)
			}
			if n, err := c.CAS(ctx, group, vals[0], vals[2]); err != nil || n != 0 {
				t.Fatalf("CAS from a stale value = %d, %v; want 0", n, err)
			}
			w := &writeSet{busy: key + ":busy", group: group, old: vals[1], nv: vals[2], msg: "m"}
			if err := writeSetSeq(ctx, c, w); err != nil {
				t.Fatal(err)
			}
			w.old, w.nv = vals[2], vals[3]
			if err := c.WriteSetPipelined(ctx, w); err != nil {
				t.Fatal(err)
			}
			if v, err := c.Get(ctx, group); err != nil || v != vals[3] {
				t.Fatalf("group after two write sets = %q, %v", v, err)
			}

			// pub/sub through a second client of the same setup
			sub, err := variants[name](srv.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			got := make(chan string, 64)
			stop, err := sub.Subscribe(ctx, "test:ch:"+name, func(p string) { got <- p })
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			deadline := time.Now().Add(5 * time.Second)
		wait:
			for {
				if err := c.Publish(ctx, "test:ch:"+name, "hello"); err != nil {
					t.Fatal(err)
				}
				select {
				case p := <-got:
					if p != "hello" {
						t.Fatalf("message %q", p)
					}
					break wait
				case <-time.After(20 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatal("no message in 5 s")
				}
			}

			// client-side caching where the setup has it
			switch name {
			case "goredis-csc", "goredis-csc-1ms", "rueidis":
			default:
				return
			}
			if _, _, err := c.CachedGet(ctx, key); err != nil {
				t.Fatal(err)
			}
			v, hit, err := c.CachedGet(ctx, key)
			if err != nil || v != "v1" {
				t.Fatalf("cached GET = %q, %v", v, err)
			}
			if name == "rueidis" && !hit {
				t.Error("second DoCache was not a cache hit")
			}
			if g, ok := c.(*goRedis); ok {
				if s := g.c.CSCStats(); s.Hits == 0 {
					t.Errorf("go-redis cache: %+v, want a hit", s)
				}
			}
			other, err := variants["rueidis-nocache"](srv.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if err := other.Set(ctx, key, "v2"); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
				v, _, err := c.CachedGet(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				if v == "v2" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("cached GET still %q 2 s after another client's SET", v)
				}
			}
		})
	}
}
