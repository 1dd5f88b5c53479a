package cdr

import (
	"encoding/json"
	"testing"
	"time"
)

// The JSON of these types is what the store keeps and the API serves: its
// field names and omissions must not drift.
func TestJSONFormat(t *testing.T) {
	at := time.Unix(1700000000, 5).UTC()
	recs := []Record{{}, {CallID: "a", Group: "6000", LastGroup: "6001", Caller: "2000", Start: at, Answer: at, End: at,
		Outcome: "answered", AnsweredBy: "1001", Failover: "extension", FailoverTo: "1002", Reason: "no_answer",
		Missed: []string{"1"}, Legs: []Leg{{}, {Extension: "1001", Group: "6000", Start: at, End: at, Code: 486, Result: "busy"}}}}
	calls := []LiveCall{{}, {Group: "6000", Caller: "1", Start: at, Connected: true, Ringing: []string{"1001"}}}
	cases := []struct {
		v    any
		want string
	}{
		{recs, `[{"call_id":"","group":"","caller":"","start":"0001-01-01T00:00:00Z","end":"0001-01-01T00:00:00Z","outcome":"","legs":null},` +
			`{"call_id":"a","group":"6000","last_group":"6001","caller":"2000","start":"2023-11-14T22:13:20.000000005Z",` +
			`"answer":"2023-11-14T22:13:20.000000005Z","end":"2023-11-14T22:13:20.000000005Z","outcome":"answered",` +
			`"answered_by":"1001","failover":"extension","failover_to":"1002","failover_reason":"no_answer","missed":["1"],` +
			`"legs":[{"extension":"","group":"","start":"0001-01-01T00:00:00Z","end":"0001-01-01T00:00:00Z","code":0,"result":""},` +
			`{"extension":"1001","group":"6000","start":"2023-11-14T22:13:20.000000005Z","end":"2023-11-14T22:13:20.000000005Z","code":486,"result":"busy"}]}]`},
		{calls, `[{"group":"","caller":"","start":"0001-01-01T00:00:00Z","connected":false,"ringing":null},` +
			`{"group":"6000","caller":"1","start":"2023-11-14T22:13:20.000000005Z","connected":true,"ringing":["1001"]}]`},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("JSON\n%s\nwant\n%s", b, c.want)
		}
	}
}
