package config

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ringd/ringd/sip/media"
)

// checkPromptFiles makes validation check prompt files with the media
// layer, as the program does, for one test (which must not be parallel).
func checkPromptFiles(t *testing.T) {
	PromptCheck = media.Check
	t.Cleanup(func() { PromptCheck = nil })
}

// wav writes a short 8 kHz mono 16-bit WAV file (rate and channels as given).
func wav(t *testing.T, path string, rate uint32, channels uint16) {
	t.Helper()
	data := make([]byte, 1600)
	h := make([]byte, 44)
	copy(h, "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], channels)
	binary.LittleEndian.PutUint32(h[24:], rate)
	binary.LittleEndian.PutUint32(h[28:], rate*2*uint32(channels))
	binary.LittleEndian.PutUint16(h[32:], 2*channels)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(data)))
	if err := os.WriteFile(path, append(h, data...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPromptFilesAreChecked(t *testing.T) {
	checkPromptFiles(t)
	dir := t.TempDir()
	wav(t, filepath.Join(dir, "ok.wav"), 8000, 1)
	wav(t, filepath.Join(dir, "wide.wav"), 16000, 1)
	wav(t, filepath.Join(dir, "stereo.wav"), 8000, 2)
	text := minimal + `  - number: "6001"
    name: Support
    strategy: ring_all
    members: [{ extension: "1002" }]
    join_prompt: ok.wav
    welcome_prompt: wide.wav
    moh: stereo.wav
    on_no_answer: { dest: play_greeting, value: missing.wav, prefix: "2" }
    on_no_agent: { dest: play_greeting, value: ../escape.wav }
prompts_dir: ` + dir + "\n"
	got := strings.Join(loadProblems(t, text), "\n")
	for _, want := range []string{
		`ring_groups[1].welcome_prompt: ` + filepath.Join(dir, "wide.wav") + `: 16000 Hz, want 8000`,
		`ring_groups[1].moh: ` + filepath.Join(dir, "stereo.wav") + `: 2 channels, want mono`,
		`ring_groups[1].on_no_answer.value: ` + filepath.Join(dir, "missing.wav"),
		`ring_groups[1].on_no_agent.value: `,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "escape.wav") && !strings.Contains(got, `on_no_agent.value: must be a file name under prompts_dir`) {
		t.Errorf("../escape.wav not refused by name:\n%s", got)
	}
	if strings.Contains(got, "join_prompt") {
		t.Errorf("a good prompt was reported:\n%s", got)
	}
}

func TestPromptNamesAndMediaDefaults(t *testing.T) {
	checkPromptFiles(t)
	dir := t.TempDir()
	wav(t, filepath.Join(dir, "a.wav"), 8000, 1)
	c := mustLoad(t, minimal+`  - { number: "6001", name: B, strategy: ring_all, members: [{ extension: "1002" }], join_prompt: a.wav, moh: a.wav,
      welcome_prompt: a.wav }
  - { number: "6002", name: C, strategy: ring_all, members: [{ extension: "1002" }], moh: follow_system,
      on_no_answer: { dest: play_greeting, value: a.wav } }
prompts_dir: `+dir+"\n")
	if names := c.PromptNames(); len(names) != 1 || names[0] != "a.wav" {
		t.Errorf("PromptNames = %v, want [a.wav]", names)
	}
	if lo, hi := c.Media.RTPPorts(); lo != 10000 || hi != 20000 {
		t.Errorf("RTP ports default %d-%d", lo, hi)
	}
	if (&Config{}).Prompts() != "prompts" {
		t.Error("prompts_dir default is not ./prompts")
	}
}

func TestRTPPortRange(t *testing.T) {
	got := strings.Join(loadProblems(t, minimal+"media: { rtp_port_min: 80, rtp_port_max: 70000 }\n"), "\n")
	for _, want := range []string{"media.rtp_port_min: must be a UDP port 1024-65534, got 80", "media.rtp_port_max: must be a UDP port 1024-65534, got 70000"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	got = strings.Join(loadProblems(t, minimal+"media: { rtp_port_min: 30000, rtp_port_max: 30001 }\n"), "\n")
	if !strings.Contains(got, "media.rtp_port_max: must be at least 2 above rtp_port_min (30000)") {
		t.Errorf("narrow range not refused:\n%s", got)
	}
}
