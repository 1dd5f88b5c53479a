package sip

import (
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// dialogs tracks the calls ringd connected (it always Record-Routes, so it
// sees their BYE) and so knows which extensions are on a call: busy.
type dialogs struct {
	mu   sync.Mutex
	all  map[string]*dialog // by Call-ID
	busy map[string]int     // extension -> dialogs it is in
}

type dialog struct {
	exts      []string // extensions on this call (caller and/or callee)
	started   time.Time
	confirmed bool // the caller's ACK of the 2xx went through
}

// unconfirmedTimeout frees a call whose 2xx was never acknowledged (the
// caller went away): 64*T1, as long as a UAS retransmits its 2xx.
const unconfirmedTimeout = 32 * time.Second

func newDialogs() *dialogs {
	return &dialogs{all: map[string]*dialog{}, busy: map[string]int{}}
}

// add records a connected call between the given extensions (numbers; ""
// for a side that is not an extension). It returns the extensions that just
// became busy: the caller tells the driver.
func (d *dialogs) add(callID string, exts ...string) (changed []string) {
	d.mu.Lock()
	dl := d.all[callID]
	if dl == nil {
		dl = &dialog{started: time.Now()}
		d.all[callID] = dl
	}
	for _, e := range exts {
		if e == "" {
			continue
		}
		dl.exts = append(dl.exts, e)
		d.busy[e]++
		if d.busy[e] == 1 {
			changed = append(changed, e)
		}
	}
	d.mu.Unlock()
	return changed
}

// confirm records that the caller acknowledged the 2xx.
func (d *dialogs) confirm(callID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dl := d.all[callID]; dl != nil {
		dl.confirmed = true
	}
}

// end forgets a call (BYE seen) and returns the extensions now free.
func (d *dialogs) end(callID string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	dl := d.all[callID]
	delete(d.all, callID)
	return d.release(dl)
}

func (d *dialogs) release(dl *dialog) (changed []string) {
	if dl == nil {
		return nil
	}
	for _, e := range dl.exts {
		d.busy[e]--
		if d.busy[e] <= 0 {
			delete(d.busy, e)
			changed = append(changed, e)
		}
	}
	return changed
}

// expire ends calls older than max (their BYE was never seen), and calls
// whose 2xx was never acknowledged, and returns their Call-IDs and the
// extensions now free.
func (d *dialogs) expire(now time.Time, max time.Duration) (ids, changed []string) {
	d.mu.Lock()
	for id, dl := range d.all {
		if age := now.Sub(dl.started); age > max || !dl.confirmed && age > unconfirmedTimeout {
			delete(d.all, id)
			ids = append(ids, id)
			changed = append(changed, d.release(dl)...)
		}
	}
	d.mu.Unlock()
	return ids, changed
}

// isBusy reports whether ext is on a call.
func (d *dialogs) isBusy(ext string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.busy[ext] > 0
}

// count is the number of connected calls.
func (d *dialogs) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.all)
}

func callID(m interface{ CallID() *sip.CallIDHeader }) string {
	if h := m.CallID(); h != nil {
		return h.Value()
	}
	return ""
}
