package sip

import (
	"github.com/emiago/sipgo/sip"

	"github.com/ringd/ringd/engine/cdr"
	"github.com/ringd/ringd/sip/cluster"
	"github.com/ringd/ringd/strategy"
)

// event is what the driver receives: a typed value, never a function.
// Only the fields its kind names are set.
type event struct {
	kind     eventKind
	call     *call                 // evInvite, evCallerCancel, evCallerGone, evPromptsOver
	req      *sip.Request          // evWritten, evLocalBye, evSubscribe
	tx       sip.ServerTransaction // evSubscribe: where the driver answers
	res      *sip.Response         // evResponse
	key      string                // evWritten: the transaction's branch ("" for an ACK)
	fail     bool                  // evWritten: the write failed
	id       string                // evDialogAck, evDialogBye, evLocalAck: the Call-ID; evSubscribe: the subscriber
	exts     []string              // evMembers
	set      *Settings             // evApply
	q        *query                // evQuery
	done     chan struct{}         // evShrink, evDrain: closed when done
	ok       chan bool             // evLocalBye: whether the BYE was for a dialog ringd ends; evSubscribe: answered
	remote   *cluster.Message      // evRemote: another node's message
	busy     map[string][]string   // evRemoteSync: every node's busy marks
	memories []cluster.Memory      // evRemoteSync: the groups' memory, in order
}

type eventKind uint8

const (
	evInvite       eventKind = iota + 1 // a new INVITE, checked and authenticated
	evCallerCancel                      // the caller's CANCEL (sipgo answered it 200, the INVITE 487)
	evCallerGone                        // the caller's INVITE transaction ended
	evResponse                          // a response to one of ringd's client transactions
	evWritten                           // a writer is done with a request (it may have failed)
	evDialogAck                         // an ACK passed through: the dialog is confirmed
	evDialogBye                         // a BYE passed through: the dialog is over
	evLocalAck                          // the ACK of a 200 ringd sent itself
	evLocalBye                          // a BYE for a dialog ringd is an end of (a page, a greeting)
	evPromptsOver                       // the prompts played to a call before something else are over
	evMembers                           // registration states changed
	evApply                             // new settings
	evQuery                             // a question from outside (the admin API, tests)
	evShrink                            // give back what the busiest moment left
	evDrain                             // take no new calls; tell when none rings
	evStop                              // end every call and stop
	evSubscribe                         // a SUBSCRIBE for BLF, authenticated
	evRemote                            // another cluster node's busy mark, or a node gone
	evRemoteSync                        // the cluster's shared state read back (resync)
)

// query is a question from outside the driver (the admin API, tests),
// answered on the driver goroutine (evQuery); done is closed once it is.
type query struct {
	kind   queryKind
	ext    string // qMember, qBusy
	calls  []cdr.LiveCall
	states map[string]MemberNow // qMembers, by extension number
	n      int
	state  strategy.MemberState
	busy   bool
	done   chan struct{}
}

type queryKind uint8

const (
	qCalls      queryKind = iota // the group calls in progress (GET /calls)
	qGroupCalls                  // how many group calls are in progress
	qMember                      // an extension's state as the engine knows it
	qBusy                        // whether an extension is on a call
	qConnected                   // how many calls are connected
	qPending                     // how many of ringd's own non-INVITE requests wait for their answer
	qRemembered                  // how many memory changes of other nodes the engine took
	qMembers                     // every extension's state as the engine knows it
)
