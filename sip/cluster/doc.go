// Package cluster is one ringd node's link to the others (SPEC §12): the
// member state every node must see alike lives in Redis, and every node
// keeps a local view of it that the routing decision reads, so that no
// decision waits on the network.
//
// What lives in Redis (keys under "ringd:"):
//
//   - nodes: the sorted set ringd:nodes (each node's last heartbeat, Unix
//     ms) and ringd:node:NAME (its SIP listeners, when it started); a node
//     beats every 3 s and the nodes seen in the last 10 s are the cluster;
//   - registrations: the hash ringd:bindings, one field per extension and
//     contact, the binding as JSON with the node that holds it;
//   - busy marks: one hash per node, ringd:busy:NAME (extension -> 1), with
//     a 30 s time to live its node renews as it beats, so a lost node's
//     marks go away by themselves (and the others forget them as soon as
//     the node is unseen for 10 s);
//   - events: the channel ringd:events, on which each node publishes what
//     it changed (a binding, a busy mark, the configuration) so that the
//     others update their local view at once.
//
// Writes leave through one queue (Publish never blocks its caller: the
// SIP driver); a node that loses Redis keeps routing from its local view,
// and when the connection comes back it subscribes again and reloads the
// shared state (Resync handlers).
//
// It may import the standard library, zap and rueidis; it must not import
// other ringd packages: the SIP side and cmd translate to and from its
// types.
package cluster
