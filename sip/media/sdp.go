package media

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// Offer is what ringd needs from a peer's SDP: where to send audio, in
// which codecs, and in which direction.
type Offer struct {
	// Addr is the connection address (a media-level c= overrides the
	// session-level one) and the audio m= port. An unspecified address
	// (c=IN IP4 0.0.0.0, the old way to put a call on hold) is returned
	// as it is.
	Addr netip.AddrPort
	// Codecs are PCMU and PCMA in the order the offer lists them; other
	// payload types (G.722, telephone-event...) are left out. Never empty
	// when ParseOffer succeeds.
	Codecs []Codec
	// Dir is the audio stream's direction attribute (media level, else
	// session level): "sendrecv" (the default), "sendonly", "recvonly" or
	// "inactive".
	Dir string
}

// Directions of a media stream (RFC 4566 §6).
const (
	SendRecv = "sendrecv"
	SendOnly = "sendonly"
	RecvOnly = "recvonly"
	Inactive = "inactive"
)

// ParseOffer reads the first audio m= line of an SDP body. It fails, with
// a message a SIP 488 can carry, when the body is not SDP, has no audio
// stream, the audio port is 0, no connection address applies to it, the
// transport is not RTP/AVP, or neither PCMU nor PCMA is offered.
func ParseOffer(body []byte) (Offer, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return Offer{}, errors.New("sdp: not a valid session description: empty body")
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return Offer{}, fmt.Errorf("sdp: not a valid session description: %v", err)
	}
	var md *sdp.MediaDescription
	for _, m := range sd.MediaDescriptions {
		if m.MediaName.Media == "audio" {
			md = m
			break
		}
	}
	if md == nil {
		return Offer{}, errors.New("sdp: no audio stream")
	}
	port := md.MediaName.Port.Value
	if port == 0 {
		return Offer{}, errors.New("sdp: audio stream disabled (port 0)")
	}
	if port < 0 || port > 65535 {
		return Offer{}, fmt.Errorf("sdp: audio port %d out of range", port)
	}
	if proto := strings.Join(md.MediaName.Protos, "/"); proto != "RTP/AVP" {
		return Offer{}, fmt.Errorf("sdp: audio transport %s, want RTP/AVP", proto)
	}
	ci := md.ConnectionInformation
	if ci == nil {
		ci = sd.ConnectionInformation
	}
	if ci == nil || ci.Address == nil || ci.Address.Address == "" {
		return Offer{}, errors.New("sdp: no connection address (c=) for the audio stream")
	}
	ip, err := netip.ParseAddr(ci.Address.Address)
	if err != nil {
		return Offer{}, fmt.Errorf("sdp: connection address %q is not an IP address", ci.Address.Address)
	}
	off := Offer{Addr: netip.AddrPortFrom(ip.Unmap(), uint16(port)), Dir: direction(md.Attributes, sd.Attributes)}
	for _, f := range md.MediaName.Formats {
		switch f {
		case "0":
			off.Codecs = append(off.Codecs, PCMU)
		case "8":
			off.Codecs = append(off.Codecs, PCMA)
		}
	}
	if len(off.Codecs) == 0 {
		return Offer{}, fmt.Errorf("sdp: neither PCMU nor PCMA offered (payload types %s)", strings.Join(md.MediaName.Formats, " "))
	}
	return off, nil
}

// direction is the first direction attribute of media, else of session,
// else sendrecv.
func direction(media, session []sdp.Attribute) string {
	for _, attrs := range [][]sdp.Attribute{media, session} {
		for _, a := range attrs {
			switch a.Key {
			case SendRecv, SendOnly, RecvOnly, Inactive:
				return a.Key
			}
		}
	}
	return SendRecv
}

// SDP is ringd's SDP answer or offer: one RTP/AVP audio stream at
// ip:port with the given codecs in order of preference (one a=rtpmap
// each; PCMU alone when none of them is PCMU or PCMA), a=ptime:20 and the
// direction attribute dir (sendrecv when dir is not one of the four).
// The o= line carries sessID as both session id and version, and s= is
// "ringd".
func SDP(ip netip.Addr, port int, codecs []Codec, dir string, sessID uint64) []byte {
	ip = ip.Unmap().WithZone("")
	addrType := "IP4"
	if ip.Is6() {
		addrType = "IP6"
	}
	switch dir {
	case SendRecv, SendOnly, RecvOnly, Inactive:
	default:
		dir = SendRecv
	}
	md := &sdp.MediaDescription{
		MediaName: sdp.MediaName{
			Media:  "audio",
			Port:   sdp.RangedPort{Value: port},
			Protos: []string{"RTP", "AVP"},
		},
	}
	seen := map[Codec]bool{}
	for _, c := range codecs {
		if c.known() && !seen[c] {
			seen[c] = true
			md.MediaName.Formats = append(md.MediaName.Formats, strconv.Itoa(int(c)))
			md.Attributes = append(md.Attributes, sdp.NewAttribute("rtpmap", rtpmap(c)))
		}
	}
	if len(seen) == 0 {
		md.MediaName.Formats = []string{strconv.Itoa(int(PCMU))}
		md.Attributes = append(md.Attributes, sdp.NewAttribute("rtpmap", rtpmap(PCMU)))
	}
	md.Attributes = append(md.Attributes, sdp.NewAttribute("ptime", "20"), sdp.NewPropertyAttribute(dir))

	sd := &sdp.SessionDescription{
		Origin: sdp.Origin{
			Username:       "ringd",
			SessionID:      sessID,
			SessionVersion: sessID,
			NetworkType:    "IN",
			AddressType:    addrType,
			UnicastAddress: ip.String(),
		},
		SessionName: "ringd",
		ConnectionInformation: &sdp.ConnectionInformation{
			NetworkType: "IN",
			AddressType: addrType,
			Address:     &sdp.Address{Address: ip.String()},
		},
		TimeDescriptions:  []sdp.TimeDescription{{}},
		MediaDescriptions: []*sdp.MediaDescription{md},
	}
	b, err := sd.Marshal()
	if err != nil {
		// Marshal fails only on values this function never sets.
		panic("media: marshal SDP: " + err.Error())
	}
	return b
}

// rtpmap is the a=rtpmap value of c.
func rtpmap(c Codec) string {
	return strconv.Itoa(int(c)) + " " + c.String() + "/" + strconv.Itoa(clockRate)
}
