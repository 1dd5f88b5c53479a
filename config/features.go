package config

// FeatureCodes is the feature_codes section (SPEC §11): what an extension
// dials to pick calls up and to change its own state. A key left out keeps
// its default; "" turns the feature off (dialling its default code then
// gets 403).
type FeatureCodes struct {
	Pickup         *string `yaml:"pickup,omitempty" json:"pickup,omitempty"`                   // group pickup: the oldest call ringing in a group of the caller
	DirectedPickup *string `yaml:"directed_pickup,omitempty" json:"directed_pickup,omitempty"` // prefix: PREFIX + EXT picks up the call ringing at EXT
	DNDOn          *string `yaml:"dnd_on,omitempty" json:"dnd_on,omitempty"`
	DNDOff         *string `yaml:"dnd_off,omitempty" json:"dnd_off,omitempty"`
	Logout         *string `yaml:"logout,omitempty" json:"logout,omitempty"` // leave every ring group
	Login          *string `yaml:"login,omitempty" json:"login,omitempty"`   // back into them
}

// Feature is one feature an extension reaches by dialling a code.
type Feature uint8

const (
	FeaturePickup Feature = iota + 1
	FeatureDirectedPickup
	FeatureDNDOn
	FeatureDNDOff
	FeatureLogout
	FeatureLogin
)

// Features lists every feature with its key and default code.
var Features = []struct {
	Feature Feature
	Key     string
	Default string
}{
	{FeaturePickup, "pickup", "*8"},
	{FeatureDirectedPickup, "directed_pickup", "**"},
	{FeatureDNDOn, "dnd_on", "*78"},
	{FeatureDNDOff, "dnd_off", "*79"},
	{FeatureLogout, "logout", "*45"},
	{FeatureLogin, "login", "*46"},
}

// field is the setting of feature f (nil: not set).
func (f *FeatureCodes) field(ft Feature) *string {
	if f == nil {
		return nil
	}
	return [...]*string{FeaturePickup: f.Pickup, FeatureDirectedPickup: f.DirectedPickup, FeatureDNDOn: f.DNDOn,
		FeatureDNDOff: f.DNDOff, FeatureLogout: f.Logout, FeatureLogin: f.Login}[ft]
}

// Codes returns each feature's code with the defaults applied ("" for a
// feature turned off), indexed by Feature.
func (f *FeatureCodes) Codes() [FeatureLogin + 1]string {
	var out [FeatureLogin + 1]string
	for _, d := range Features {
		out[d.Feature] = d.Default
		if v := f.field(d.Feature); v != nil {
			out[d.Feature] = *v
		}
	}
	return out
}

// featureCode reports whether s is a code a phone can dial: 1-8 of 0-9, *
// and #, with a * or # in it (so that it never shadows a plain number).
func featureCode(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	star := false
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '*' || b == '#':
			star = true
		case b < '0' || b > '9':
			return false
		}
	}
	return star
}

// checkFeatureCodes checks feature_codes: each code dialable, no two the
// same, and none the number of an extension or a ring group.
func (c *Config) checkFeatureCodes(ps *Problems) {
	codes := c.FeatureCodes.Codes()
	seen := map[string]string{}
	numbers := map[string]bool{}
	for _, e := range c.Extensions {
		numbers[e.Number] = true
	}
	for _, g := range c.RingGroups {
		numbers[g.Number] = true
	}
	for _, d := range Features {
		code, at := codes[d.Feature], "feature_codes."+d.Key
		switch {
		case code == "":
			continue
		case !featureCode(code):
			ps.add(at, "must be 1-8 of 0-9, * and # with a * or a # (like \""+d.Default+"\"), or \"\" to turn it off")
		case seen[code] != "":
			ps.add(at, "\""+code+"\" is feature_codes."+seen[code]+" already")
		case numbers[code]:
			ps.add(at, "\""+code+"\" is the number of an extension or a ring group")
		}
		seen[code] = d.Key
	}
}
