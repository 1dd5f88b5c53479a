package engine

// enumName returns the name of v in names, or "" when v is out of range.
func enumName[T ~uint8](names []string, v T) string {
	if int(v) < len(names) {
		return names[v]
	}
	return ""
}
