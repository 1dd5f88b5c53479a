package sip

import (
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/sip/proxy"
)

// sender writes what the driver sends that may wait - a TCP connection
// to open, a host name to resolve - on a few writer goroutines, so that
// one unreachable peer never holds every call up; each write done comes
// back as an event. (A UDP datagram to an IP address the driver writes
// itself: a non-blocking socket answers at once.)
type sender struct {
	client  *sipgo.Client
	jobs    chan job
	inbox   *inbox
	pending int // jobs handed to the writers and not done yet (the driver's count)
}

type job struct {
	req *sip.Request
	key string // the client transaction's branch ("" for an ACK)
}

// writers is how many goroutines write what may wait.
const writers = 8

func newSender(client *sipgo.Client, inbox *inbox) *sender {
	return &sender{client: client, jobs: make(chan job, 1024), inbox: inbox}
}

// start starts the writer goroutines; they end with stop.
func (s *sender) start() {
	for range writers {
		go func() {
			for j := range s.jobs {
				err := s.client.WriteRequest(j.req, proxy.Prebuilt)
				s.inbox.put(event{kind: evWritten, req: j.req, key: j.key, fail: err != nil}, always)
			}
		}()
	}
}

// stop ends the writer goroutines once their jobs are done.
func (s *sender) stop() { close(s.jobs) }
