package store

import (
	"cmp"
	"fmt"
	"time"
)

// Ban is a source address the SIP protection banned (flood, password
// guessing), kept so that a restart does not lift it.
type Ban struct {
	Source string // an IP address
	Until  time.Time
	Reason string
}

// checkBan rejects a ban without its source.
func checkBan(b Ban) error {
	if b.Source == "" {
		return fmt.Errorf("store: a ban needs a source: %w", ErrInvalid)
	}
	return nil
}

// compareBans orders bans by their end, then source.
func compareBans(a, b Ban) int {
	if c := a.Until.Compare(b.Until); c != 0 {
		return c
	}
	return cmp.Compare(a.Source, b.Source)
}
