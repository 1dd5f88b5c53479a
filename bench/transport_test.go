package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ringd/ringd/bench/internal/ringdtest"
	"github.com/ringd/ringd/sip/siptest"
)

// TestAgentsOverStreams: members registered over TLS called by a caller on
// WebSocket, then members on WebSocket called over TCP: every call
// answered, over the connections the agents opened; members on a stream
// without -register are refused.
func TestAgentsOverStreams(t *testing.T) {
	ports := freeUDPPorts(t, 3)
	cert, key := siptest.WriteCert(t, t.TempDir(), "ringd.local")
	addr := map[string]string{"udp": fmt.Sprintf("127.0.0.1:%d", ports[0]), "tcp": fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"tls": fmt.Sprintf("127.0.0.1:%d", ports[1]), "ws": fmt.Sprintf("127.0.0.1:%d", ports[2])}
	members := []string{"1001", "1002", "1003"}
	cfg := filepath.Join(t.TempDir(), "ringd.yaml")
	yaml := fmt.Sprintf("sip:\n  listen: [\"udp://%s\", \"tcp://%s\", \"tls://%s\", \"ws://%s\"]\n  domain: ringd.local\n"+
		"  trusted: [\"127.0.0.0/8\"]\n  tls: { cert: %q, key: %q }\nstore: \"memory:\"\nlog: { level: info, format: text }\n%s",
		addr["udp"], addr["tcp"], addr["tls"], addr["ws"], cert, key, groupConfig(members, nil))
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	ringdtest.Serve(t, cfg)

	for _, tc := range []struct{ members, caller string }{{"tls", "ws"}, {"ws", "tcp"}} {
		t.Run(tc.members+"_members_"+tc.caller+"_caller", func(t *testing.T) {
			var out strings.Builder
			res, err := Run(context.Background(), Config{
				Proxy: addr[tc.members], Transport: tc.members, CallerProxy: addr[tc.caller], CallerTransport: tc.caller,
				Members: members, Register: true, Password: "secret{ext}", Profile: mustProfile(t, "answer:50ms"),
				Rate: 10, Duration: 2 * time.Second, Hold: 100 * time.Millisecond, Timeout: 5 * time.Second, Quiet: true,
			}, &out, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c := res.Calls; c.Attempted != 20 || c.Answered != 20 || c.Failed != 0 {
				t.Fatalf("calls %+v\n%s", c, out.String())
			}
			if res.Config.Transport != tc.members || res.Config.CallerTrans != tc.caller {
				t.Errorf("config in the result %+v", res.Config)
			}
		})
	}

	_, err := Run(context.Background(), Config{Proxy: addr["tls"], Transport: "tls", Members: members, MemberPorts: ports,
		Rate: 1, Calls: 1}, &strings.Builder{}, nil)
	if err == nil || !strings.Contains(err.Error(), "must -register") {
		t.Errorf("static members over TLS: %v", err)
	}
}
