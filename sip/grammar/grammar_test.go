package grammar

import "testing"

func TestTokensAndHosts(t *testing.T) {
	for s, want := range map[string]bool{"INVITE": true, "X-Custom_1.a!%*+`'~": true, "": false, "To\x01": false, "a b": false, "a:b": false} {
		if Token(s) != want {
			t.Errorf("Token(%q) = %v", s, !want)
		}
	}
	for h, want := range map[string]bool{"ringd.local": true, "10.0.0.1": true, "[::1]": true, "::1": true, "a-b.example": true,
		"": false, ":]": false, ".example": false, "-x": false, "a_b": false, "h\x00": false} {
		if Host(h) != want {
			t.Errorf("Host(%q) = %v", h, !want)
		}
	}
}
