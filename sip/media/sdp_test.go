package media

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
)

// crlf turns a readable SDP into one with CRLF line ends.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.TrimLeft(s, "\n"), "\n", "\r\n"))
}

const sippOffer = `
v=0
o=user1 53655765 2353687637 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 6000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
`

const phoneOffer = `
v=0
o=- 20050 20050 IN IP4 192.168.1.50
s=SDP data
c=IN IP4 192.168.1.50
b=AS:84
t=0 0
a=sendrecv
m=audio 11800 RTP/AVP 9 8 0 18 101
c=IN IP4 192.168.1.51
a=rtpmap:9 G722/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=no
a=ptime:20
a=sendonly
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
`

func TestParseOffer(t *testing.T) {
	for name, c := range map[string]struct {
		body string
		want Offer
	}{
		"sipp": {sippOffer, Offer{netip.MustParseAddrPort("127.0.0.1:6000"), []Codec{PCMU}, "sendrecv"}},
		"phone, media-level c=": {phoneOffer,
			Offer{netip.MustParseAddrPort("192.168.1.51:11800"), []Codec{PCMA, PCMU}, "sendonly"}},
		"pcma only, session-level direction": {`
v=0
o=- 1 1 IN IP4 10.0.0.7
s=call
c=IN IP4 10.0.0.7
t=0 0
a=recvonly
m=audio 40000 RTP/AVP 8 101
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
`, Offer{netip.MustParseAddrPort("10.0.0.7:40000"), []Codec{PCMA}, "recvonly"}},
		"video first, IPv6, hold": {`
v=0
o=- 1 2 IN IP6 2001:db8::1
s=-
t=0 0
m=video 5002 RTP/AVP 96
c=IN IP6 2001:db8::2
a=rtpmap:96 H264/90000
m=audio 5000 RTP/AVP 0
c=IN IP6 2001:db8::1
a=inactive
`, Offer{netip.MustParseAddrPort("[2001:db8::1]:5000"), []Codec{PCMU}, "inactive"}},
	} {
		for _, body := range [][]byte{[]byte(strings.TrimLeft(c.body, "\n")), crlf(c.body)} {
			got, err := ParseOffer(body)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if got.Addr != c.want.Addr || !slices.Equal(got.Codecs, c.want.Codecs) || got.Dir != c.want.Dir {
				t.Errorf("%s: %+v, want %+v", name, got, c.want)
			}
		}
	}
}

func TestParseOfferErrors(t *testing.T) {
	for name, c := range map[string]struct {
		body, want string
	}{
		"empty":    {"", "sdp: not a valid session description"},
		"not sdp":  {"<xml>hello</xml>", "sdp: not a valid session description"},
		"no audio": {"v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\nm=video 5000 RTP/AVP 96\n", "sdp: no audio stream"},
		"no media": {"v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\n", "sdp: no audio stream"},
		"port 0":   {"v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\nm=audio 0 RTP/AVP 0\n", "sdp: audio stream disabled (port 0)"},
		"no c=": {"v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\n",
			"sdp: no connection address (c=) for the audio stream"},
		"hostname": {"v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 pbx.example.com\nt=0 0\nm=audio 5000 RTP/AVP 0\n",
			`sdp: connection address "pbx.example.com" is not an IP address`},
		"srtp": {"v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\nm=audio 5000 RTP/SAVP 0\n",
			"sdp: audio transport RTP/SAVP, want RTP/AVP"},
		"g729 only": {"v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nc=IN IP4 1.2.3.4\nt=0 0\nm=audio 5000 RTP/AVP 18 101\na=rtpmap:18 G729/8000\n",
			"sdp: neither PCMU nor PCMA offered (payload types 18 101)"},
	} {
		_, err := ParseOffer([]byte(c.body))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

func TestSDP(t *testing.T) {
	body := SDP(netip.MustParseAddr("192.0.2.10"), 10002, []Codec{PCMA, PCMU}, "sendonly", 4711)
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if sd.Origin.Username != "ringd" || sd.Origin.SessionID != 4711 || sd.Origin.UnicastAddress != "192.0.2.10" || sd.SessionName != "ringd" {
		t.Errorf("o=/s=: %+v %q", sd.Origin, sd.SessionName)
	}
	if len(sd.MediaDescriptions) != 1 {
		t.Fatalf("%d media descriptions", len(sd.MediaDescriptions))
	}
	md := sd.MediaDescriptions[0]
	if md.MediaName.Media != "audio" || md.MediaName.Port.Value != 10002 || !slices.Equal(md.MediaName.Formats, []string{"8", "0"}) {
		t.Errorf("m=: %+v", md.MediaName)
	}
	var rtpmaps []string
	for _, a := range md.Attributes {
		if a.Key == "rtpmap" {
			rtpmaps = append(rtpmaps, a.Value)
		}
	}
	if !slices.Equal(rtpmaps, []string{"8 PCMA/8000", "0 PCMU/8000"}) {
		t.Errorf("rtpmaps %q", rtpmaps)
	}
	if v, ok := md.Attribute("ptime"); !ok || v != "20" {
		t.Errorf("ptime %q", v)
	}
	if !strings.Contains(string(body), "\r\na=sendonly\r\n") {
		t.Errorf("no a=sendonly:\n%s", body)
	}

	// ringd's SDP is an offer ringd itself can read.
	off, err := ParseOffer(body)
	if err != nil || off.Addr != netip.MustParseAddrPort("192.0.2.10:10002") || !slices.Equal(off.Codecs, []Codec{PCMA, PCMU}) || off.Dir != "sendonly" {
		t.Errorf("re-parsed: %+v, %v", off, err)
	}

	for _, c := range []struct {
		ip     string
		codecs []Codec
		dir    string
		want   Offer
	}{
		{"::1", []Codec{PCMU}, "", Offer{netip.MustParseAddrPort("[::1]:10002"), []Codec{PCMU}, "sendrecv"}},
		{"10.1.1.1", nil, "bogus", Offer{netip.MustParseAddrPort("10.1.1.1:10002"), []Codec{PCMU}, "sendrecv"}},
		{"10.1.1.1", []Codec{18, PCMA, PCMA}, "inactive", Offer{netip.MustParseAddrPort("10.1.1.1:10002"), []Codec{PCMA}, "inactive"}},
	} {
		body := SDP(netip.MustParseAddr(c.ip), 10002, c.codecs, c.dir, 1)
		off, err := ParseOffer(body)
		if err != nil || off.Addr != c.want.Addr || !slices.Equal(off.Codecs, c.want.Codecs) || off.Dir != c.want.Dir {
			t.Errorf("SDP(%s, %v, %q) re-parsed: %+v, %v\n%s", c.ip, c.codecs, c.dir, off, err, body)
		}
	}
}

func TestCodecString(t *testing.T) {
	if PCMU.String() != "PCMU" || PCMA.String() != "PCMA" || Codec(18).String() != "Codec(18)" {
		t.Error(PCMU, PCMA, Codec(18))
	}
}
