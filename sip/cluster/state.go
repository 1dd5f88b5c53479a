package cluster

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The shared state a node writes through and reads back on resync.

// ShareBinding writes a registration this node holds (or its removal) and
// tells the others.
func (n *Node) ShareBinding(ext string, b Binding, removed bool) {
	b.Node = n.name
	c := n.client
	field := ext + " " + b.Contact
	if removed {
		n.Publish(Message{Kind: KindBinding, Ext: ext, Binding: &b, Removed: true}, c.B().Hdel().Key(bindKey).Field(field).Build())
		return
	}
	doc, err := json.Marshal(b)
	if err != nil {
		return
	}
	n.Publish(Message{Kind: KindBinding, Ext: ext, Binding: &b}, c.B().Hset().Key(bindKey).FieldValue().FieldValue(field, string(doc)).Build())
}

// Bindings reads every shared registration that has not expired, by
// extension, this node's own included.
func (n *Node) Bindings(ctx context.Context) (map[string][]Binding, error) {
	c := n.client
	all, err := c.Do(ctx, c.B().Hgetall().Key(bindKey).Build()).AsStrMap()
	if err != nil {
		return nil, err
	}
	now := n.now()
	out := map[string][]Binding{}
	var stale []string
	for field, doc := range all {
		ext, _, _ := strings.Cut(field, " ")
		var b Binding
		if json.Unmarshal([]byte(doc), &b) != nil || !b.Expires.After(now) {
			stale = append(stale, field)
			continue
		}
		out[ext] = append(out[ext], b)
	}
	if len(stale) > 0 { // expired: whichever node reads first clears them
		_ = c.Do(ctx, c.B().Hdel().Key(bindKey).Field(stale...).Build()).Error()
	}
	return out, nil
}

// SetBusy sets or clears this node's busy mark of an extension and tells
// the others.
func (n *Node) SetBusy(ext string, busy bool) {
	c := n.client
	key := busyKey(n.name)
	if busy {
		n.Publish(Message{Kind: KindBusy, Ext: ext, Busy: true},
			c.B().Hset().Key(key).FieldValue().FieldValue(ext, "1").Build(),
			c.B().Expire().Key(key).Seconds(int64(busyTTL/time.Second)).Build())
		return
	}
	n.Publish(Message{Kind: KindBusy, Ext: ext}, c.B().Hdel().Key(key).Field(ext).Build())
}

// BusyMarks reads the busy marks of every node seen in the last Seen
// (this one's included): node -> extensions.
func (n *Node) BusyMarks(ctx context.Context) (map[string][]string, error) {
	nodes, err := n.Nodes(ctx)
	if err != nil {
		return nil, err
	}
	c := n.client
	out := map[string][]string{}
	for _, nd := range nodes {
		exts, err := c.Do(ctx, c.B().Hkeys().Key(busyKey(nd.Name)).Build()).AsStrSlice()
		if err != nil {
			return nil, err
		}
		out[nd.Name] = exts
	}
	return out, nil
}

// ShareBan writes a ban this node started and tells the others.
func (n *Node) ShareBan(source string, until time.Time, reason string) {
	c := n.client
	n.Publish(Message{Kind: KindBan, Source: source, Until: until.UnixNano(), Reason: reason},
		c.B().Set().Key(banKey(source)).Value(strconv.FormatInt(until.UnixNano(), 10)+" "+reason).Pxat(until).Build())
}

// SharedBan is a ban read back from Redis.
type SharedBan struct {
	Source string
	Until  time.Time
	Reason string
}

// Bans reads the bans running now.
func (n *Node) Bans(ctx context.Context) ([]SharedBan, error) {
	c := n.client
	var out []SharedBan
	var cursor uint64
	for {
		e, err := c.Do(ctx, c.B().Scan().Cursor(cursor).Match(banKey("*")).Count(1000).Build()).AsScanEntry()
		if err != nil {
			return nil, err
		}
		for _, key := range e.Elements {
			v, err := c.Do(ctx, c.B().Get().Key(key).Build()).ToString()
			if err != nil {
				continue // expired meanwhile
			}
			at, reason, _ := strings.Cut(v, " ")
			ns, err := strconv.ParseInt(at, 10, 64)
			if err != nil {
				continue
			}
			out = append(out, SharedBan{Source: strings.TrimPrefix(key, banKey("")), Until: time.Unix(0, ns), Reason: reason})
		}
		if cursor = e.Cursor; cursor == 0 {
			return out, nil
		}
	}
}

// ConfigChanged tells the others that the shared store changed.
func (n *Node) ConfigChanged() { n.Publish(Message{Kind: KindConfig}) }

func banKey(source string) string { return "ringd:ban:" + source }
