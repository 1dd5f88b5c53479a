package bench

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseNumbersAndPorts(t *testing.T) {
	got, err := ParseNumbers("1001-1003,2000, 0098-0100")
	if err != nil || !slices.Equal(got, []string{"1001", "1002", "1003", "2000", "0098", "0099", "0100"}) {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"", "10a", "1005-1001", "1-x"} {
		if _, err := ParseNumbers(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	ports, err := ParsePorts("15101", 3)
	if err != nil || !slices.Equal(ports, []int{15101, 15102, 15103}) {
		t.Fatalf("%v %v", ports, err)
	}
	if _, err := ParsePorts("65535", 2); err == nil {
		t.Error("ports past 65535 accepted")
	}
}

func TestParseFlags(t *testing.T) {
	c, err := ParseFlags(strings.Fields("-proxy 127.0.0.1:5070 -members 1001-1050 -member-ports 15101-15150 -profile mix:answer:300ms=70,busy=10,ring=20 -ramp 10:500 -duration 60s -hold 2s -json r.json"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Members) != 50 || c.MemberPorts[49] != 15150 || !c.Ramp || c.RampTo != 500 || c.Duration != time.Minute ||
		c.Hold != 2*time.Second || c.JSONPath != "r.json" || len(c.Profile.Mix) != 3 || c.Register {
		t.Fatalf("%+v", c)
	}
	// -calls alone lifts the time limit.
	c, err = ParseFlags(strings.Fields("-register -calls 100"), io.Discard)
	if err != nil || c.Duration != 0 || c.Calls != 100 || c.password("1001") != "secret1001" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []string{
		"-members 1001,1002",                      // neither -register nor -member-ports
		"-member-ports 15101-15102 -members 1001", // count mismatch
		"-register -rate 5 -ramp 1:2",             // both
		"-register -ramp 1:2 -duration 0",         // ramp without duration
		"-register -ramp fast",                    // syntax
		"-register -profile dance",                // profile
		"-register -mix-by phase",                 // mix-by
		"-register extra",                         // arguments
	} {
		if _, err := ParseFlags(strings.Fields(bad), io.Discard); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	var help strings.Builder
	if _, err := ParseFlags([]string{"-h"}, &help); !errors.Is(err, flag.ErrHelp) || !strings.Contains(help.String(), "noanswer") {
		t.Fatalf("-h: %v\n%s", err, help.String())
	}
}
