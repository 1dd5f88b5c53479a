package config

import (
	"slices"
	"testing"
)

// feature_codes: defaults for keys left out, "" turns a feature off, and
// bad codes are refused with their paths.
func TestFeatureCodes(t *testing.T) {
	c := mustLoad(t, minimal+`feature_codes: { dnd_on: "*90", logout: "" }
`)
	codes := c.FeatureCodes.Codes()
	if codes[FeaturePickup] != "*8" || codes[FeatureDNDOn] != "*90" || codes[FeatureLogout] != "" || codes[FeatureLogin] != "*46" {
		t.Errorf("codes %q", codes)
	}
	var none *FeatureCodes
	if got := none.Codes(); got[FeatureDirectedPickup] != "**" || got[FeatureDNDOff] != "*79" {
		t.Errorf("defaults %q", got)
	}

	got := loadProblems(t, minimal+`feature_codes: { pickup: "8", dnd_on: "*79", login: "*4a" }
`)
	want := []string{
		`feature_codes.pickup: must be 1-8 of 0-9, * and # with a * or a # (like "*8"), or "" to turn it off`,
		`feature_codes.dnd_off: "*79" is feature_codes.dnd_on already`,
		`feature_codes.login: must be 1-8 of 0-9, * and # with a * or a # (like "*46"), or "" to turn it off`,
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing problem %q in\n%q", w, got)
		}
	}
}
