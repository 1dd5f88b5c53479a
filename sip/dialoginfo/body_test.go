package dialoginfo

import (
	"encoding/xml"
	"maps"
	"strings"
	"testing"
)

// The document as a parser sees it: attributes kept whole, so that a test
// sees both their values and which ones are there.
type xDoc struct {
	XMLName xml.Name   `xml:"urn:ietf:params:xml:ns:dialog-info dialog-info"`
	Attrs   []xml.Attr `xml:",any,attr"`
	Dialogs []xDialog  `xml:"dialog"`
}

type xDialog struct {
	Attrs  []xml.Attr `xml:",any,attr"`
	State  xState     `xml:"state"`
	Local  *xPart     `xml:"local"`
	Remote *xPart     `xml:"remote"`
}

type xState struct {
	Attrs []xml.Attr `xml:",any,attr"`
	Value string     `xml:",chardata"`
}

type xPart struct {
	Identity *struct {
		Display *string `xml:"display,attr"`
		URI     string  `xml:",chardata"`
	} `xml:"identity"`
	Target *struct {
		URI string `xml:"uri,attr"`
	} `xml:"target"`
}

func attrs(as []xml.Attr) map[string]string {
	m := map[string]string{}
	for _, a := range as {
		m[a.Name.Local] = a.Value
	}
	return m
}

func parse(t *testing.T, body []byte) xDoc {
	t.Helper()
	var d xDoc
	if err := xml.Unmarshal(body, &d); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, body)
	}
	return d
}

// A call from 2000 ringing at 1001, the document byte for byte.
func TestBodyGoldenRinging(t *testing.T) {
	got := string(Body("sip:1001@ringd.local", 3, true, []Dialog{{
		ID: "leg-7", CallID: "abc@10.0.0.1", LocalTag: "m-tag", RemoteTag: "c-tag", Direction: Recipient,
		State: Early, Local: "sip:1001@ringd.local", Remote: "sip:2000@ringd.local", RemoteName: "Alice",
		RemoteTarget: "sip:**1001@ringd.local",
	}}))
	want := `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:1001@ringd.local">
<dialog id="leg-7" call-id="abc@10.0.0.1" local-tag="m-tag" remote-tag="c-tag" direction="recipient">
<state>early</state>
<local>
<identity>sip:1001@ringd.local</identity>
</local>
<remote>
<identity display="Alice">sip:2000@ringd.local</identity>
<target uri="sip:**1001@ringd.local"/>
</remote>
</dialog>
</dialog-info>
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestBodyGoldenIdle(t *testing.T) {
	got := string(Body("sip:1001@ringd.local", 0, true, nil))
	want := `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="sip:1001@ringd.local">
</dialog-info>
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	d := parse(t, []byte(got))
	if len(d.Dialogs) != 0 {
		t.Errorf("idle document has %d dialogs", len(d.Dialogs))
	}
}

func TestBodyFields(t *testing.T) {
	for _, c := range []struct {
		name      string
		full      bool
		dialogs   []Dialog
		root      map[string]string   // attributes of dialog-info but xmlns
		attrs     []map[string]string // attributes of each dialog, exactly
		states    []string
		stateAttr []map[string]string
	}{
		{name: "idle partial", root: map[string]string{"version": "9", "state": "partial", "entity": "sip:1001@ringd.local"}},
		{
			name: "ringing without the member's tag", full: true,
			dialogs: []Dialog{{CallID: "c1", RemoteTag: "ft", Direction: Recipient, State: Proceeding}},
			root:    map[string]string{"version": "9", "state": "full", "entity": "sip:1001@ringd.local"},
			attrs:   []map[string]string{{"id": "c1", "call-id": "c1", "remote-tag": "ft", "direction": "recipient"}},
			states:  []string{"proceeding"}, stateAttr: []map[string]string{{}},
		},
		{
			name: "outgoing call confirmed", full: true,
			dialogs: []Dialog{{ID: "d", CallID: "c2", LocalTag: "a", RemoteTag: "b", Direction: Initiator, State: Confirmed}},
			root:    map[string]string{"version": "9", "state": "full", "entity": "sip:1001@ringd.local"},
			attrs:   []map[string]string{{"id": "d", "call-id": "c2", "local-tag": "a", "remote-tag": "b", "direction": "initiator"}},
			states:  []string{"confirmed"}, stateAttr: []map[string]string{{}},
		},
		{
			name: "ended, picked up elsewhere", full: true,
			dialogs: []Dialog{{ID: "d", State: Terminated, StateEvent: "replaced", StateCode: 487}},
			root:    map[string]string{"version": "9", "state": "full", "entity": "sip:1001@ringd.local"},
			attrs:   []map[string]string{{"id": "d"}},
			states:  []string{"terminated"}, stateAttr: []map[string]string{{"event": "replaced", "code": "487"}},
		},
		{
			name: "two early dialogs of one Call-ID get distinct ids", full: true,
			dialogs: []Dialog{{CallID: "c3", LocalTag: "x", State: Early}, {CallID: "c3", LocalTag: "y", State: Early}, {State: Trying}},
			root:    map[string]string{"version": "9", "state": "full", "entity": "sip:1001@ringd.local"},
			attrs: []map[string]string{{"id": "c3", "call-id": "c3", "local-tag": "x"}, {"id": "c3-2", "call-id": "c3", "local-tag": "y"},
				{"id": "dialog"}},
			states: []string{"early", "early", "trying"}, stateAttr: []map[string]string{{}, {}, {}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := parse(t, Body("sip:1001@ringd.local", 9, c.full, c.dialogs))
			root := attrs(d.Attrs)
			if root["xmlns"] != Namespace {
				t.Errorf("xmlns %q", root["xmlns"])
			}
			delete(root, "xmlns")
			if !maps.Equal(root, c.root) {
				t.Errorf("root %v, want %v", root, c.root)
			}
			if len(d.Dialogs) != len(c.attrs) {
				t.Fatalf("%d dialogs, want %d", len(d.Dialogs), len(c.attrs))
			}
			for i, x := range d.Dialogs {
				if got := attrs(x.Attrs); !maps.Equal(got, c.attrs[i]) {
					t.Errorf("dialog %d attributes %v, want %v", i, got, c.attrs[i])
				}
				if x.State.Value != c.states[i] || !maps.Equal(attrs(x.State.Attrs), c.stateAttr[i]) {
					t.Errorf("dialog %d state %q %v", i, x.State.Value, attrs(x.State.Attrs))
				}
				if x.Local != nil || x.Remote != nil {
					t.Errorf("dialog %d: participants without identity or target", i)
				}
			}
		})
	}
}

func TestBodyParticipants(t *testing.T) {
	d := parse(t, Body("sip:1001@ringd.local", 1, true, []Dialog{{
		ID: "d", State: Confirmed, Local: "sip:1001@ringd.local", LocalName: "Reception", LocalTarget: "sip:1001@10.0.0.5:5062",
		RemoteTarget: "sip:2000@10.0.0.9",
	}}))
	x := d.Dialogs[0]
	if x.Local == nil || x.Local.Identity == nil || x.Local.Identity.URI != "sip:1001@ringd.local" ||
		x.Local.Identity.Display == nil || *x.Local.Identity.Display != "Reception" ||
		x.Local.Target == nil || x.Local.Target.URI != "sip:1001@10.0.0.5:5062" {
		t.Errorf("local %+v", x.Local)
	}
	if x.Remote == nil || x.Remote.Identity != nil || x.Remote.Target == nil || x.Remote.Target.URI != "sip:2000@10.0.0.9" {
		t.Errorf("remote %+v: want a target and no identity", x.Remote)
	}
}

func TestBodyEscapes(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"markup", `Bob "The <Boss>" & 'Co'`, `Bob "The <Boss>" & 'Co'`},
		{"whitespace survives", "a\tb\nc", "a\tb\nc"},
		{"control character", "a\x01b\x1fc", "a\uFFFDb\uFFFDc"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"noncharacter", "a\uFFFEb", "a\uFFFDb"},
		{"accents kept", "Zoë Åström", "Zoë Åström"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := Body("sip:1001@ringd.local?x=<&>", 0, true, []Dialog{{
				ID: c.in, CallID: c.in, LocalTag: c.in, RemoteTag: c.in, State: Early,
				Local: "sip:1001@ringd.local", Remote: c.in, RemoteName: c.in, RemoteTarget: c.in,
			}})
			d := parse(t, body)
			if e := attrs(d.Attrs)["entity"]; e != "sip:1001@ringd.local?x=<&>" {
				t.Errorf("entity %q", e)
			}
			x := d.Dialogs[0]
			for _, k := range []string{"id", "call-id", "local-tag", "remote-tag"} {
				if got := attrs(x.Attrs)[k]; got != c.want {
					t.Errorf("%s = %q, want %q", k, got, c.want)
				}
			}
			if got := *x.Remote.Identity.Display; got != c.want {
				t.Errorf("display %q, want %q", got, c.want)
			}
			if got := x.Remote.Identity.URI; got != c.want {
				t.Errorf("identity %q, want %q", got, c.want)
			}
			if got := x.Remote.Target.URI; got != c.want {
				t.Errorf("target %q, want %q", got, c.want)
			}
		})
	}
	// The markup characters are written as entities, never raw.
	body := string(Body("e", 0, true, []Dialog{{ID: "d", State: Early, Remote: "sip:x", RemoteName: `<"&'>`}}))
	if !strings.Contains(body, `display="&lt;&quot;&amp;&apos;&gt;"`) {
		t.Errorf("display not escaped:\n%s", body)
	}
}
