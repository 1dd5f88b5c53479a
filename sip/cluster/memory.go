package cluster

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
)

// Group memory in Redis: ringd:memory holds one field per change that
// lasts - "rung GROUP EXT", "answered GROUP EXT" (when, Unix ns),
// "rest - EXT", "cool GROUP EXT" (until when) - so that a node that
// starts, or comes back after losing Redis, reads the order back.

const memoryKey = "ringd:memory"

// ShareMemory writes a change of a group's memory and tells the others.
func (n *Node) ShareMemory(m Memory) {
	group := m.Group
	if group == "" {
		group = "-"
	}
	field := m.What + " " + group + " " + m.Ext
	c := n.client
	n.Publish(Message{Kind: KindMemory, Memory: &m},
		c.B().Hset().Key(memoryKey).FieldValue().FieldValue(field, strconv.FormatInt(m.At, 10)).Build())
}

// Memories reads every group memory kept, in the order its changes
// happened (rests and cooldowns last): replayed in that order they give
// the order one node would have.
func (n *Node) Memories(ctx context.Context) ([]Memory, error) {
	c := n.client
	all, err := c.Do(ctx, c.B().Hgetall().Key(memoryKey).Build()).AsStrMap()
	if err != nil {
		return nil, err
	}
	out := make([]Memory, 0, len(all))
	for field, at := range all {
		parts := strings.Fields(field)
		v, err := strconv.ParseInt(at, 10, 64)
		if len(parts) != 3 || err != nil {
			continue
		}
		m := Memory{What: parts[0], Group: parts[1], Ext: parts[2], At: v}
		if m.Group == "-" {
			m.Group = ""
		}
		out = append(out, m)
	}
	sortMemories(out)
	return out, nil
}

// sortMemories orders rings and answers by when they happened, then rests
// and cooldowns.
func sortMemories(ms []Memory) {
	lasting := func(m Memory) int {
		if m.What == "rest" || m.What == "cool" {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(ms, func(a, b Memory) int {
		if c := cmp.Compare(lasting(a), lasting(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.At, b.At)
	})
}
