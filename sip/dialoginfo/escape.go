package dialoginfo

import "unicode/utf8"

// attr appends ` name="value"`, value escaped.
func attr(b []byte, name, value string) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, '=', '"')
	b = appendEscaped(b, value, true)
	return append(b, '"')
}

// optAttr appends the attribute unless value is empty.
func optAttr(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return attr(b, name, value)
}

// appendText appends element content, escaped.
func appendText(b []byte, s string) []byte { return appendEscaped(b, s, false) }

// appendEscaped appends s escaped for XML 1.0: the markup characters as
// entities, and in attribute values tab, newline and carriage return as
// character references (so that they survive attribute normalisation).
// What XML cannot carry at all (other control characters, invalid UTF-8,
// U+FFFE, U+FFFF) becomes U+FFFD, so that a caller's odd display name
// never makes the document ill-formed.
func appendEscaped(b []byte, s string, inAttr bool) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
			i++
			continue
		}
		i += size
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"' && inAttr:
			b = append(b, "&quot;"...)
		case r == '\'' && inAttr:
			b = append(b, "&apos;"...)
		case r == '\t' && inAttr:
			b = append(b, "&#x9;"...)
		case r == '\n' && inAttr:
			b = append(b, "&#xA;"...)
		case r == '\r':
			b = append(b, "&#xD;"...)
		case r == '\t' || r == '\n':
			b = append(b, byte(r))
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}
