package media

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadPromptPCM(t *testing.T) {
	samples := sine(8000)
	path := writeFile(t, t.TempDir(), "tone.wav", pcmWAV(samples))
	p, err := LoadPrompt(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != path || p.Duration != time.Second {
		t.Errorf("Name %q Duration %v, want %q 1s", p.Name, p.Duration, path)
	}
	if !slices.Equal(p.PCM(), samples) {
		t.Error("PCM differs from the samples written")
	}
	for _, c := range []Codec{PCMU, PCMA} {
		frames := p.Frames(c)
		if len(frames) != 50 {
			t.Fatalf("%v: %d frames, want 50", c, len(frames))
		}
		for i, f := range frames {
			if len(f) != 160 {
				t.Fatalf("%v frame %d: %d bytes", c, i, len(f))
			}
			for j, b := range f {
				if b != c.encode(samples[i*160+j]) {
					t.Fatalf("%v frame %d byte %d: %#02x, want %#02x", c, i, j, b, c.encode(samples[i*160+j]))
				}
			}
		}
	}
	if p.Frames(Codec(18)) != nil {
		t.Error("Frames of G.729 not nil")
	}
}

func TestLoadPromptPadding(t *testing.T) {
	p := promptOf(t, constant(170, 1000)) // one full frame and 10 samples
	if p.Duration != 21250*time.Microsecond {
		t.Errorf("Duration %v", p.Duration)
	}
	for _, c := range []Codec{PCMU, PCMA} {
		f := p.Frames(c)
		if len(f) != 2 || len(f[1]) != 160 {
			t.Fatalf("%v: %d frames", c, len(f))
		}
		want := append(bytes.Repeat([]byte{c.encode(1000)}, 10), bytes.Repeat([]byte{c.silence()}, 150)...)
		if !bytes.Equal(f[1], want) {
			t.Errorf("%v last frame % x", c, f[1])
		}
	}
	if PCMU.silence() != 0xFF || PCMA.silence() != 0xD5 {
		t.Error("silence bytes")
	}
}

func TestLoadPromptG711Files(t *testing.T) {
	samples := sine(4000)
	for _, c := range []struct {
		tag    uint16
		codec  Codec
		decode func(byte) int16
	}{{7, PCMU, DecodeULaw}, {6, PCMA, DecodeALaw}} {
		data := make([]byte, len(samples))
		for i, s := range samples {
			data[i] = c.codec.encode(s)
		}
		path := writeFile(t, t.TempDir(), "g711.wav", riff(fmtChunk(c.tag, 1, 8000, 8), chunk{"data", data}))
		p, err := LoadPrompt(path)
		if err != nil {
			t.Fatalf("format %d: %v", c.tag, err)
		}
		if p.Duration != 500*time.Millisecond {
			t.Errorf("format %d: Duration %v", c.tag, p.Duration)
		}
		for i, b := range data {
			if p.PCM()[i] != c.decode(b) {
				t.Fatalf("format %d sample %d: %d, want %d", c.tag, i, p.PCM()[i], c.decode(b))
			}
		}
		if got := bytes.Join(p.Frames(c.codec), nil)[:len(data)]; !bytes.Equal(got, data) {
			t.Errorf("format %d: frames are not the file's bytes", c.tag)
		}
	}
}

// TestLoadPromptChunks: LIST and fact chunks before the data, an odd-sized
// chunk with its pad byte, an extensible fmt chunk, a trailing chunk.
func TestLoadPromptChunks(t *testing.T) {
	samples := sine(800)
	ext := fmtChunk(0xFFFE, 1, 8000, 16)
	ext.body = append(ext.body, 22, 0, 16, 0, 4, 0, 0, 0, 1, 0) // cbSize, valid bits, mask, sub-format PCM
	ext.body = append(ext.body, make([]byte, 14)...)
	for name, b := range map[string][]byte{
		"list": riff(fmtChunk(1, 1, 8000, 16), chunk{"LIST", []byte("INFOISFT\x04\x00\x00\x00ringd")}, chunk{"data", pcm16(samples)}),
		"odd": riff(chunk{"junk", []byte("abc")}, fmtChunk(1, 1, 8000, 16), chunk{"fact", []byte{1, 2, 3, 4, 5}},
			chunk{"data", pcm16(samples)}, chunk{"LIST", []byte("x")}),
		"extensible": riff(ext, chunk{"data", pcm16(samples)}),
		"data first": riff(chunk{"data", pcm16(samples)}, fmtChunk(1, 1, 8000, 16)),
		"odd data":   riff(fmtChunk(1, 1, 8000, 16), chunk{"data", append(pcm16(samples), 0x7F)}),
		"trailing":   append(pcmWAV(samples), 'x', 'y', 'z'),
	} {
		p, err := LoadPrompt(writeFile(t, t.TempDir(), "c.wav", b))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !slices.Equal(p.PCM(), samples) {
			t.Errorf("%s: %d samples, not the ones written", name, len(p.PCM()))
		}
	}
}

func TestLoadPromptErrors(t *testing.T) {
	dir := t.TempDir()
	data := chunk{"data", pcm16(sine(100))}
	truncated := pcmWAV(sine(100))
	truncated = truncated[:len(truncated)-10]
	for name, c := range map[string]struct {
		file []byte
		want string
	}{
		"text.wav":     {[]byte("hello, this is not audio"), "not a WAV file (no RIFF/WAVE header)"},
		"short.wav":    {[]byte("RIFF"), "not a WAV file (no RIFF/WAVE header)"},
		"avi.wav":      {append([]byte("RIFF\x04\x00\x00\x00AVI "), make([]byte, 20)...), "not a WAV file (no RIFF/WAVE header)"},
		"16k.wav":      {riff(fmtChunk(1, 1, 16000, 16), data), "16000 Hz, want 8000"},
		"stereo.wav":   {riff(fmtChunk(1, 2, 8000, 16), data), "2 channels, want mono"},
		"float.wav":    {riff(fmtChunk(3, 1, 8000, 32), data), "format 3 (IEEE float), want 16-bit PCM, u-law or A-law"},
		"mp3.wav":      {riff(fmtChunk(0x55, 1, 8000, 0), data), "format 85 (MPEG layer 3), want 16-bit PCM, u-law or A-law"},
		"pcm8.wav":     {riff(fmtChunk(1, 1, 8000, 8), data), "format 1 (PCM) with 8 bits per sample, want 16-bit PCM, u-law or A-law"},
		"ulaw16.wav":   {riff(fmtChunk(7, 1, 8000, 16), data), "format 7 (u-law) with 16 bits per sample, want 16-bit PCM, u-law or A-law"},
		"empty.wav":    {riff(fmtChunk(1, 1, 8000, 16), chunk{"data", nil}), "no audio data (empty data chunk)"},
		"onebyte.wav":  {riff(fmtChunk(1, 1, 8000, 16), chunk{"data", []byte{1}}), "no audio data (empty data chunk)"},
		"nodata.wav":   {riff(fmtChunk(1, 1, 8000, 16)), "no audio data (no data chunk)"},
		"nofmt.wav":    {riff(data), "no fmt chunk"},
		"shortfmt.wav": {riff(chunk{"fmt ", []byte{1, 0, 1, 0}}, data), "fmt chunk of 4 bytes, want at least 16"},
		"trunc.wav":    {truncated, `"data" chunk of 200 bytes but only 190 left in the file (truncated)`},
	} {
		path := writeFile(t, dir, name, c.file)
		_, err := LoadPrompt(path)
		if err == nil || err.Error() != path+": "+c.want {
			t.Errorf("%s: error %v, want %q", name, err, path+": "+c.want)
		}
	}

	missing := dir + "/missing.wav"
	_, err := LoadPrompt(missing)
	if err == nil || err.Error() != "open "+missing+": no such file or directory" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := os.Mkdir(dir+"/d.wav", 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPrompt(dir + "/d.wav"); err == nil || !strings.HasPrefix(err.Error(), dir+"/d.wav: ") {
		t.Errorf("directory: %v", err)
	}
}
