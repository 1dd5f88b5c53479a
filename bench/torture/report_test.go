package torture

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

// The checks fail a send the table does not hold, and the markdown table
// merges a message's sends that differ for one reason.
func TestTortureReport(t *testing.T) {
	m := &TortureMessage{File: "x.dat", Kind: "request", Class: "INVALID", Expected: "400 Bad Request"}
	row := TortureRow{UDP: differing("none", "cannot parse"), TCP: differing("none closed", "cannot parse")}
	udp := &TortureResult{Msg: m, Transport: "udp", ProbeCode: 200, Alive: true}
	tcp := &TortureResult{Msg: m, Transport: "tcp", Closed: true, ProbeCode: 200, Alive: true}
	udp.check(row, true)
	tcp.check(row, true)
	if len(udp.Problems)+len(tcp.Problems) > 0 {
		t.Fatalf("problems: %v %v", udp.Problems, tcp.Problems)
	}
	rep := &TortureReport{Files: []string{"x.dat"}, Results: []*TortureResult{udp, tcp}, Sent: map[string]int{"udp": 1, "tcp": 1}}
	if !rep.OK() || !strings.Contains(rep.Summary(), "codes: 0 match the RFC, 2 differ") {
		t.Errorf("summary: %s", rep.Summary())
	}
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	want := "| x.dat | UDP, TCP | 400 Bad Request | UDP: nothing; TCP: nothing, connection closed | cannot parse |"
	if !strings.Contains(b.String(), want) {
		t.Errorf("markdown:\n%s\nwant the row\n%s", b.String(), want)
	}

	if row.UDP.expectsFinal() || !matching("401 404").expectsFinal() || matching("401 closed|none closed").expectsFinal() {
		t.Error("expectsFinal: want true only when every outcome has a final code")
	}

	bad := &TortureResult{Msg: m, Transport: "udp", ProbeCode: 200, Alive: true,
		Replies: []tortureReply{{Version: "SIP/2.0", Code: 200, Reason: "OK"}}, Member: []string{"INVITE"}}
	bad.check(row, true)
	if len(bad.Problems) != 3 { // 2xx, the member, the table
		t.Errorf("problems %q, want 3", bad.Problems)
	}
}

// Bad flags exit 2.
func TestTortureFlags(t *testing.T) {
	for _, args := range [][]string{{}, {"-target", "127.0.0.1:5060"}, {"-target", "x", "-member", "y", "-transports", "sctp"}, {"-nope"}} {
		if code := Main(context.Background(), args, io.Discard, io.Discard); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}
