package engine

import (
	"time"
	"unicode/utf8"
)

// Limits of SPEC §1 and §3 that the engine checks.
const (
	MaxNameLen      = 127
	MaxAlertInfoLen = 31
	MaxPrefixLen    = 7
	MaxRepeat       = 5
	MaxRepeats      = 10                 // a group's repeats
	MaxRest         = 3600 * time.Second // a group's wrap_up and reject_cooldown
)

// ValidNumber reports whether s is an extension or group number of SPEC
// §1/§3: 3-64 digits.
func ValidNumber(s string) bool {
	return len(s) >= 3 && validChars(s, 64, func(b byte) bool { return b >= '0' && b <= '9' })
}

func validAlertInfo(s string) bool {
	return s == "" || validChars(s, MaxAlertInfoLen, func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == ' ' || b == '_' || b == '-'
	})
}

// MaxCIDPrefixLen bounds a group's cid_name_prefix (SPEC §11).
const MaxCIDPrefixLen = 16

// validCIDPrefix reports whether s may go in front of a display name: at
// most 16 characters (UTF-8 allowed), no quote, backslash or control
// character.
func validCIDPrefix(s string) bool {
	if utf8.RuneCountInString(s) > MaxCIDPrefixLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' {
			return false
		}
	}
	return true
}

// validToken reports whether s is safe to put into a URI template: 1-64 of
// A-Z a-z 0-9 . _ + * # -.
func validToken(s string) bool {
	return validChars(s, 64, func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			b == '.' || b == '_' || b == '+' || b == '*' || b == '#' || b == '-'
	})
}

// validDial reports whether s is dialable: 1-max of 0-9 + * #.
func validDial(s string, max int) bool {
	return validChars(s, max, func(b byte) bool { return b >= '0' && b <= '9' || b == '+' || b == '*' || b == '#' })
}

func validChars(s string, max int, ok func(byte) bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
