package main

import (
	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/sip/media"
)

// Config validation checks prompt files with the media layer's decoder,
// so a missing or unplayable file is a config error naming it (ringd
// check, start, SIGHUP and API changes alike).
func init() { config.PromptCheck = media.Check }
