package media

import (
	"github.com/ringd/ringd/sip/clock"

	"encoding/binary"
	"math"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// chunk is one RIFF chunk of a test WAV file.
type chunk struct {
	id   string
	body []byte
}

// fmtChunk is a fmt chunk for tag, channels, rate and bits per sample.
func fmtChunk(tag, channels uint16, rate uint32, bits uint16) chunk {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint16(b[0:], tag)
	binary.LittleEndian.PutUint16(b[2:], channels)
	binary.LittleEndian.PutUint32(b[4:], rate)
	align := channels * bits / 8
	binary.LittleEndian.PutUint32(b[8:], rate*uint32(align))
	binary.LittleEndian.PutUint16(b[12:], align)
	binary.LittleEndian.PutUint16(b[14:], bits)
	return chunk{"fmt ", b}
}

// riff assembles a RIFF/WAVE file, padding odd chunks.
func riff(chunks ...chunk) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WAVE")
	for _, c := range chunks {
		b = append(b, c.id...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c.body)))
		b = append(b, c.body...)
		if len(c.body)%2 == 1 {
			b = append(b, 0)
		}
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// pcm16 is the little-endian bytes of samples.
func pcm16(samples []int16) []byte {
	b := make([]byte, 0, 2*len(samples))
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

// sine is n samples of a 440 Hz tone at 8000 Hz.
func sine(n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(12000 * math.Sin(2*math.Pi*440*float64(i)/clockRate))
	}
	return s
}

// constant is n samples of value v.
func constant(n int, v int16) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// pcmWAV is a 16-bit PCM 8000 Hz mono file of samples.
func pcmWAV(samples []int16) []byte {
	return riff(fmtChunk(1, 1, 8000, 16), chunk{"data", pcm16(samples)})
}

// writeFile writes b to dir/name (making subdirectories) and returns the path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// promptOf is a prompt of samples written to and loaded from a temp file.
func promptOf(t testing.TB, samples []int16) *Prompt {
	t.Helper()
	p, err := LoadPrompt(writeFile(t, t.TempDir(), "p.wav", pcmWAV(samples)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// listen opens a UDP socket on 127.0.0.1, closed when the test ends.
func listen(t testing.TB) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// addrOf is the local address of c.
func addrOf(c *net.UDPConn) netip.AddrPort {
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// received is one datagram.
type received struct {
	pkt []byte
}

// readPackets reads up to n datagrams from c, each within wait (real
// time: it waits on the network); it stops early at the first timeout.
func readPackets(t testing.TB, c *net.UDPConn, n int, wait time.Duration) []received {
	t.Helper()
	var out []received
	buf := make([]byte, 2048)
	for len(out) < n {
		if err := c.SetReadDeadline(clock.Real().Now().Add(wait)); err != nil {
			t.Fatal(err)
		}
		k, err := c.Read(buf)
		if err != nil {
			break
		}
		out = append(out, received{append([]byte(nil), buf[:k]...)})
	}
	return out
}

// paced plays the clock forward one frame at a time and reads what the
// player sends meanwhile: the first packet at once, then exactly one per
// 20 ms of clock (none early), n in all.
func paced(t testing.TB, clk *clock.Fake, c *net.UDPConn, n int) []received {
	t.Helper()
	var out []received
	for i := range n {
		if i > 0 {
			clk.Advance(framePeriod)
		}
		got := readPackets(t, c, 1, time.Second)
		if len(got) != 1 {
			t.Fatalf("packet %d not sent at its instant", i)
		}
		out = append(out, got...)
		if early := readPackets(t, c, 1, 2*time.Millisecond); len(early) != 0 {
			t.Fatalf("packet %d sent before its instant", i+1)
		}
	}
	return out
}

// fakeClock is a fake clock for the player.
func fakeClock() *clock.Fake { return clock.NewFake(time.Unix(1_700_000_000, 0)) }
