package api

import (
	"reflect"

	"github.com/ringd/ringd/config/api/compat"
)

// compatRoutes registers the façades of the PBX products ringd replaces
// (Yeastar P-Series, Webex sequential ring). Both change the configuration
// through live.Mutate with the native handlers' checks, so a change made
// through a façade applies to the next call like a native one.
func (s *Server) compatRoutes() {
	s.yeastarRoutes()
	s.webexRoutes()
}

// The façades' bodies, as schemas of the OpenAPI document.
func init() {
	for name, t := range map[string]reflect.Type{
		"YeastarRingGroup":      reflect.TypeFor[compat.YeastarRingGroup](),
		"YeastarMember":         reflect.TypeFor[compat.YeastarMember](),
		"YeastarRingGroupInfo":  reflect.TypeFor[compat.YeastarRingGroupInfo](),
		"YeastarTokenRequest":   reflect.TypeFor[compat.YeastarTokenRequest](),
		"WebexCriterion":        reflect.TypeFor[compat.WebexCriterion](),
		"WebexCriterionSummary": reflect.TypeFor[compat.WebexCriterionSummary](),
		"WebexSequentialRing":   reflect.TypeFor[compat.WebexSequentialRing](),
		"WebexSequentialNumber": reflect.TypeFor[compat.WebexSequentialNumber](),
	} {
		schemaTypes[name] = t
	}
}
