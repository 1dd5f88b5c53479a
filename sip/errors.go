package sip

import (
	"errors"

	"github.com/emiago/sipgo/sip"
)

func isTimeout(err error) bool { return errors.Is(err, sip.ErrTransactionTimeout) }
