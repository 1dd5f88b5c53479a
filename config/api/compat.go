package api

// compatRoutes registers the façades of the PBX products ringd replaces
// (Yeastar P-Series, Webex sequential ring).
func (s *Server) compatRoutes() {}
