package media

import "time"

// Prompt is a validated prompt file, encoded once into 20 ms frames (160
// samples) of both laws. A Prompt is immutable and may be played by any
// number of calls at once.
type Prompt struct {
	Name     string        // the path it was loaded from
	Duration time.Duration // length of the audio, before padding

	pcm  []int16
	ulaw [][]byte
	alaw [][]byte
}

// LoadPrompt reads a WAV file: RIFF/WAVE with a fmt chunk, 8000 Hz, mono,
// format 1 (PCM) 16-bit, or format 6 (A-law) / 7 (u-law) 8-bit. Unknown
// chunks are skipped. Every error names the file and what is wrong; a
// file that cannot be opened gives the os error (which names it too).
func LoadPrompt(path string) (*Prompt, error) {
	pcm, err := readWAV(path)
	if err != nil {
		return nil, err
	}
	return newPrompt(path, pcm), nil
}

// newPrompt encodes pcm (at least one sample) into frames of both laws.
func newPrompt(name string, pcm []int16) *Prompt {
	return &Prompt{
		Name:     name,
		Duration: time.Duration(len(pcm)) * time.Second / clockRate,
		pcm:      pcm,
		ulaw:     encodeFrames(pcm, PCMU),
		alaw:     encodeFrames(pcm, PCMA),
	}
}

// encodeFrames encodes pcm with c into 160-byte frames, the last one
// padded with c's silence. The frames share one backing array.
func encodeFrames(pcm []int16, c Codec) [][]byte {
	n := (len(pcm) + frameSamples - 1) / frameSamples
	buf := make([]byte, n*frameSamples)
	for i, s := range pcm {
		buf[i] = c.encode(s)
	}
	for i := len(pcm); i < len(buf); i++ {
		buf[i] = c.silence()
	}
	frames := make([][]byte, n)
	for i := range frames {
		frames[i] = buf[i*frameSamples : (i+1)*frameSamples : (i+1)*frameSamples]
	}
	return frames
}

// Frames is the prompt's audio in c as 160-byte RTP payloads, the last one
// padded with silence (0xFF for u-law, 0xD5 for A-law); nil for a codec
// other than PCMU and PCMA. The frames are shared: do not modify them.
func (p *Prompt) Frames(c Codec) [][]byte {
	switch c {
	case PCMU:
		return p.ulaw
	case PCMA:
		return p.alaw
	}
	return nil
}

// PCM is the prompt's linear samples as loaded (decoded from G.711 for a
// u-law or A-law file). Shared: do not modify.
func (p *Prompt) PCM() []int16 { return p.pcm }
