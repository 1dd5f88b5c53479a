package bench

import (
	"context"
	"errors"
	"strconv"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Outcome is how one call ended, from the caller's side.
type Outcome int

const (
	Answered    Outcome = iota // 200, ACK sent, BYE answered 200
	Failed480                  // final 480 (ringd: nobody answered / end_call)
	Failed486                  // final 486
	Failed487                  // final 487 (cancelled by someone other than ringbench)
	Failed408                  // final 408
	Failed503                  // final 503 (ringd draining or overloaded)
	FailedOther                // any other final code >= 300
	TimedOut                   // no final response within -timeout (ringbench CANCELled), or no response at all (Timer B)
	ByeFailed                  // answered, but the BYE got no 200 within -timeout
	Errored                    // transport or protocol error on the caller's side
	Aborted                    // due while -max-inflight calls were in flight: never sent
	Interrupted                // the run was stopped (signal) while the call was up
	numOutcomes
)

var outcomeNames = [numOutcomes]string{"answered", "480", "486", "487", "408", "503", "other", "timeout", "bye_failed", "error", "max_inflight", "interrupted"}

func (o Outcome) String() string { return outcomeNames[o] }

// byCode is the outcome of a final failure code.
func byCode(code int) Outcome {
	switch code {
	case 480:
		return Failed480
	case 486:
		return Failed486
	case 487:
		return Failed487
	case 408:
		return Failed408
	case 503:
		return Failed503
	}
	return FailedOther
}

// classifyInvite turns WaitAnswer's error into an outcome and the final
// code when there was one. runCtx is the run's context, callCtx the call's
// (with -timeout).
func classifyInvite(err error, runCtx, callCtx context.Context) (Outcome, int) {
	var de *sipgo.ErrDialogResponse
	switch {
	case errors.As(err, &de):
		return byCode(de.Res.StatusCode), de.Res.StatusCode
	case runCtx.Err() != nil:
		return Interrupted, 0
	case callCtx.Err() != nil, errors.Is(err, sip.ErrTransactionTimeout):
		return TimedOut, 0
	}
	return Errored, 0
}

// codeName is the JSON key of a final code.
func codeName(code int) string { return strconv.Itoa(code) }
