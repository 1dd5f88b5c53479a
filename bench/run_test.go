package bench

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustProfile(t *testing.T, s string) Profile {
	t.Helper()
	p, err := ParseProfile(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStaticMembersAnswerEveryCall: 2 s at 20 calls/s into a 3-member
// ring_all group whose members (static contacts) answer after 50 ms:
// every call answered, latencies plausible, the JSON file complete. Then
// the same group with busy members (every call 480) and with silent
// members, a short -timeout and -max-inflight (timeouts and aborts).
func TestStaticMembersAnswerEveryCall(t *testing.T) {
	members := []string{"1001", "1002", "1003"}
	ports := freeUDPPorts(t, 3)
	addr, pid := startRingd(t, "  trusted: [\"127.0.0.0/8\"]\n", groupConfig(members, ports))
	jsonPath := filepath.Join(t.TempDir(), "result.json")
	var out, progress strings.Builder
	res, err := Run(context.Background(), Config{
		Proxy: addr, Members: members, MemberPorts: ports, Profile: mustProfile(t, "answer:50ms"),
		Rate: 20, Duration: 2 * time.Second, Hold: 100 * time.Millisecond, Timeout: 5 * time.Second,
		JSONPath: jsonPath, RingdPID: pid,
	}, &out, &progress)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("summary:\n%s", out.String())
	c := res.Calls
	if c.Attempted != 40 || c.Answered != 40 || c.Failed != 0 || c.Launched != 40 {
		t.Fatalf("calls %+v", c)
	}
	l200, l180 := res.Latency["invite_200"], res.Latency["invite_180"]
	if l200.Count != 40 || l200.P50 < 50 || l200.P99 > 1000 || l200.Min < 50 {
		t.Errorf("INVITE->200 %+v", l200)
	}
	if l180.Count != 40 || l180.P50 >= 50 {
		t.Errorf("INVITE->180 %+v", l180)
	}
	if b := res.Latency["bye_200"]; b.Count != 40 {
		t.Errorf("BYE->200 %+v", b)
	}
	if res.Rate.AchievedCPS < 19 || res.Rate.AchievedCPS > 21 || res.Wire.CallerSent < 120 || res.Wire.MembersGot["INVITE"] != 120 {
		t.Errorf("rate %+v wire %+v", res.Rate, res.Wire)
	}
	if res.CPU.RingdPID != pid || len(res.Timeline) < 2 {
		t.Errorf("cpu %+v, %d samples", res.CPU, len(res.Timeline))
	}
	for _, want := range []string{"contact: \"sip:1001@127.0.0.1:", "40 attempted, 40 answered, 0 failed", "INVITE->200", "retrans"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if !strings.Contains(progress.String(), "in flight") {
		t.Errorf("no progress line: %q", progress.String())
	}
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	for _, k := range []string{"config", "start", "machine", "calls", "rate", "latency_ms", "wire", "cpu", "timeline", "histograms"} {
		if doc[k] == nil {
			t.Errorf("JSON lacks %s", k)
		}
	}
	if m := doc["machine"].(map[string]any); m["nproc"].(float64) < 1 || !strings.HasPrefix(m["go_version"].(string), "go") {
		t.Errorf("machine %v", m)
	}
	if p := doc["latency_ms"].(map[string]any)["invite_200"].(map[string]any)["p50"].(float64); p < 50 {
		t.Errorf("JSON p50 %v", p)
	}

	t.Run("stopped: ringing calls cancelled", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
		defer cancel()
		begin := time.Now()
		res, err := Run(ctx, Config{
			Proxy: addr, Members: members, MemberPorts: ports, Profile: mustProfile(t, "ring"),
			Rate: 20, Duration: 10 * time.Second, Timeout: 5 * time.Second, Quiet: true,
		}, &out, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := res.Calls
		if c.Interrupted < 5 || c.Failed != 0 || c.Answered != 0 || c.Attempted != c.Interrupted || time.Since(begin) > 3*time.Second {
			t.Fatalf("calls %+v after %v", c, time.Since(begin))
		}
		if res.Wire.MembersGot["CANCEL"] == 0 {
			t.Errorf("CANCELs: %+v", res.Wire)
		}
	})

	t.Run("busy members: 480", func(t *testing.T) {
		res, err := Run(context.Background(), Config{
			Proxy: addr, Members: members, MemberPorts: ports, Profile: mustProfile(t, "busy"),
			Rate: 20, Calls: 5, Timeout: 5 * time.Second, Quiet: true,
		}, &out, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o := res.Calls.Outcomes; o["480"] != 5 || res.Calls.FinalCodes["480"] != 5 || res.Wire.MembersFinal["INVITE 486"] != 15 {
			t.Fatalf("outcomes %v codes %v members %v", o, res.Calls.FinalCodes, res.Wire.MembersFinal)
		}
		if f := res.FirstFailure; f == nil || f.At != 0 || f.Outcome != "480" {
			t.Errorf("first failure %+v", f)
		}
	})

	t.Run("silent members: timeout and max-inflight", func(t *testing.T) {
		res, err := Run(context.Background(), Config{
			Proxy: addr, Members: members, MemberPorts: ports, Profile: mustProfile(t, "noanswer"),
			Rate: 20, Calls: 10, Timeout: 300 * time.Millisecond, MaxInflight: 3, Quiet: true,
		}, &out, nil)
		if err != nil {
			t.Fatal(err)
		}
		o := res.Calls.Outcomes
		if o["timeout"] < 3 || o["max_inflight"] < 1 || o["timeout"]+o["max_inflight"] != 10 || res.Calls.Failed != 10 {
			t.Fatalf("outcomes %v", o)
		}
		// (Whether ringd CANCELs a leg that sent only 100 Trying is ringd's
		// business; today it does not.)
		if res.Latency["invite_180"].Count != 0 || res.Wire.MembersGot["INVITE"] == 0 {
			t.Errorf("noanswer members rang, or got nothing: %+v %+v", res.Latency["invite_180"], res.Wire)
		}
	})
}

// TestRegisteredMembersWithAMix: members REGISTER (digest), ringd trusts
// nobody so the caller authenticates on 407, and the mix is dealt per
// member (1001 answers, 1002 is busy, 1003 rings): every call is still
// answered by 1001 under ring_all, 1002's 486 is absorbed, 1003 is cancelled.
func TestRegisteredMembersWithAMix(t *testing.T) {
	members := []string{"1001", "1002", "1003"}
	// One source placing every call is a flood to ringd's protection
	// (30 requests per 2 s): the limit is off for it.
	addr, _ := startRingd(t, "  protection: { requests: 0 }\n", groupConfig(members, nil))
	var out strings.Builder
	res, err := Run(context.Background(), Config{
		Proxy: addr, Members: members, Register: true, Password: "secret{ext}",
		Profile: mustProfile(t, "mix:answer:50ms=1,busy=1,ring=1"), MixBy: "member",
		Caller: "2000", CallerPassword: "secret2000",
		Rate: 20, Duration: time.Second, Hold: 50 * time.Millisecond, Timeout: 5 * time.Second,
	}, &out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("summary:\n%s", out.String())
	if c := res.Calls; c.Attempted != 20 || c.Answered != 20 || c.Failed != 0 {
		t.Fatalf("calls %+v", c)
	}
	f := res.Wire.MembersFinal
	if f["INVITE 200"] != 20 || f["INVITE 486"] != 20 || f["INVITE 487"] != 20 || res.Wire.MembersGot["CANCEL"] != 20 {
		t.Errorf("members' answers %v, got %v", f, res.Wire.MembersGot)
	}
	if res.Latency["invite_200"].P50 < 50 {
		t.Errorf("INVITE->200 %+v", res.Latency["invite_200"])
	}
	if !strings.Contains(out.String(), "3 members registered") {
		t.Errorf("output: %s", out.String())
	}
}
