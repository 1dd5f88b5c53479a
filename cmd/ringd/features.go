package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/ringd/ringd/config"
	"github.com/ringd/ringd/config/live"
	"github.com/ringd/ringd/config/store"
	"github.com/ringd/ringd/sip"
)

// featureCodes translates feature_codes for the SIP side.
func featureCodes(fc *config.FeatureCodes) sip.FeatureCodes {
	codes := fc.Codes()
	out := sip.FeatureCodes{
		Pickup: codes[config.FeaturePickup], DirectedPickup: codes[config.FeatureDirectedPickup],
		DNDOn: codes[config.FeatureDNDOn], DNDOff: codes[config.FeatureDNDOff],
		Logout: codes[config.FeatureLogout], Login: codes[config.FeatureLogin],
	}
	for _, f := range config.Features {
		if codes[f.Feature] == "" {
			out.Off = append(out.Off, f.Default)
		}
	}
	return out
}

// stateSetter writes an extension's own state change (a feature code)
// through the running configuration, as the API would: persisted, then
// applied to the SIP side. lv is read when a code is dialled (it is set
// once live is open, before any call arrives).
func stateSetter(lv **live.Live) func(ext string, ch sip.StateChange) error {
	return func(ext string, ch sip.StateChange) error {
		l := *lv
		if l == nil {
			return errors.New("the configuration is not open yet")
		}
		return l.Mutate(context.Background(), func(d *store.Data) ([]store.Change, error) {
			for i := range d.Extensions {
				e := &d.Extensions[i]
				if e.Number != ext {
					continue
				}
				if ch.DND != nil {
					e.DND = *ch.DND
				}
				if ch.LoggedOut != nil {
					e.LoggedOut = *ch.LoggedOut
				}
				return []store.Change{{Kind: store.KindExtension, ID: e.ID, Doc: *e}}, nil
			}
			return nil, fmt.Errorf("extension %s is not provisioned", ext)
		})
	}
}
