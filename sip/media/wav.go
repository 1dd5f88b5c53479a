package media

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// WAV format tags ringd reads.
const (
	wavPCM        = 1
	wavALaw       = 6
	wavULaw       = 7
	wavExtensible = 0xFFFE
)

// maxPromptFile bounds the size of a prompt file, so that a wrong path
// (a disk image, a log) cannot exhaust memory. One hour of 8 kHz 16-bit
// audio is 57.6 MB.
const maxPromptFile = 64 << 20

var wavFormatNames = map[uint16]string{
	1: "PCM", 2: "MS ADPCM", 3: "IEEE float", 6: "A-law", 7: "u-law",
	0x11: "IMA ADPCM", 0x31: "GSM 6.10", 0x55: "MPEG layer 3",
}

// wavFormat is the part of a fmt chunk ringd looks at.
type wavFormat struct {
	tag      uint16
	channels uint16
	rate     uint32
	bits     uint16
}

// readWAV reads the linear samples of an 8000 Hz mono WAV file: 16-bit
// PCM, A-law or u-law. Every error names the file.
func readWAV(path string) ([]int16, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, want a WAV file", path)
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxPromptFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPromptFile {
		return nil, fmt.Errorf("%s: more than %d bytes, too big for a prompt", path, maxPromptFile)
	}
	f, data, err := wavChunks(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	pcm, err := wavSamples(f, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return pcm, nil
}

// wavChunks walks the RIFF chunks of b and returns the first fmt chunk and
// the first data chunk. Unknown chunks are skipped; a chunk of odd size is
// followed by one pad byte.
func wavChunks(b []byte) (*wavFormat, []byte, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, nil, fmt.Errorf("not a WAV file (no RIFF/WAVE header)")
	}
	var f *wavFormat
	var data []byte
	for off := 12; len(b)-off >= 8 && (f == nil || data == nil); {
		id := string(b[off : off+4])
		size := uint64(binary.LittleEndian.Uint32(b[off+4:]))
		off += 8
		left := uint64(len(b) - off)
		if size > left {
			return nil, nil, fmt.Errorf("%q chunk of %d bytes but only %d left in the file (truncated)", id, size, left)
		}
		body := b[off : off+int(size)]
		switch id {
		case "fmt ":
			if f == nil {
				var err error
				if f, err = parseFmt(body); err != nil {
					return nil, nil, err
				}
			}
		case "data":
			if data == nil {
				data = body
			}
		}
		off += int(size + size&1)
	}
	if f == nil {
		return nil, nil, fmt.Errorf("no fmt chunk")
	}
	if data == nil {
		return nil, nil, fmt.Errorf("no audio data (no data chunk)")
	}
	return f, data, nil
}

// parseFmt reads a fmt chunk; WAVE_FORMAT_EXTENSIBLE is resolved to the
// format tag of its sub-format.
func parseFmt(c []byte) (*wavFormat, error) {
	if len(c) < 16 {
		return nil, fmt.Errorf("fmt chunk of %d bytes, want at least 16", len(c))
	}
	f := &wavFormat{
		tag:      binary.LittleEndian.Uint16(c[0:]),
		channels: binary.LittleEndian.Uint16(c[2:]),
		rate:     binary.LittleEndian.Uint32(c[4:]),
		bits:     binary.LittleEndian.Uint16(c[14:]),
	}
	if f.tag == wavExtensible && len(c) >= 26 {
		f.tag = binary.LittleEndian.Uint16(c[24:]) // first two bytes of the sub-format GUID
	}
	return f, nil
}

// wavSamples checks the format and converts data to linear samples.
func wavSamples(f *wavFormat, data []byte) ([]int16, error) {
	const want = "want 16-bit PCM, u-law or A-law"
	switch {
	case f.tag != wavPCM && f.tag != wavALaw && f.tag != wavULaw:
		name := wavFormatNames[f.tag]
		if name == "" {
			name = "unknown"
		}
		return nil, fmt.Errorf("format %d (%s), %s", f.tag, name, want)
	case f.tag == wavPCM && f.bits != 16 || f.tag != wavPCM && f.bits != 8:
		return nil, fmt.Errorf("format %d (%s) with %d bits per sample, %s", f.tag, wavFormatNames[f.tag], f.bits, want)
	}
	if f.channels != 1 {
		return nil, fmt.Errorf("%d channels, want mono", f.channels)
	}
	if f.rate != clockRate {
		return nil, fmt.Errorf("%d Hz, want %d", f.rate, clockRate)
	}
	var pcm []int16
	switch f.tag {
	case wavPCM:
		pcm = make([]int16, len(data)/2)
		for i := range pcm {
			pcm[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
	case wavALaw:
		pcm = make([]int16, len(data))
		for i, v := range data {
			pcm[i] = DecodeALaw(v)
		}
	case wavULaw:
		pcm = make([]int16, len(data))
		for i, v := range data {
			pcm[i] = DecodeULaw(v)
		}
	}
	if len(pcm) == 0 {
		return nil, fmt.Errorf("no audio data (empty data chunk)")
	}
	return pcm, nil
}
