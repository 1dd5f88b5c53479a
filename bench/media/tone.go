package media

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"time"
)

// Tone is a sine wave to write as a prompt file (ringbench tone).
type Tone struct {
	Duration time.Duration
	Hz       float64 // 0: silence
	Rate     int     // sample rate; ringd plays 8000 Hz files only
	Amp      float64 // amplitude, 0..1 of full scale
}

// Samples is the number of samples of t: Duration × Rate, rounded.
func (t Tone) Samples() int {
	return int(math.Round(t.Duration.Seconds() * float64(t.Rate)))
}

// WAV is t as a RIFF/WAVE file: mono, 16-bit PCM (format 1) at t.Rate.
func (t Tone) WAV() []byte {
	n := t.Samples()
	data := 2 * n
	b := make([]byte, 0, 44+data)
	le := binary.LittleEndian
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(36+data))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)               // fmt chunk size
	b = le.AppendUint16(b, 1)                // PCM
	b = le.AppendUint16(b, 1)                // mono
	b = le.AppendUint32(b, uint32(t.Rate))   // sample rate
	b = le.AppendUint32(b, uint32(2*t.Rate)) // byte rate
	b = le.AppendUint16(b, 2)                // block align
	b = le.AppendUint16(b, 16)               // bits per sample
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(data))
	for i := range n {
		v := t.Amp * math.MaxInt16 * math.Sin(2*math.Pi*t.Hz*float64(i)/float64(t.Rate))
		b = le.AppendUint16(b, uint16(int16(math.Round(v))))
	}
	return b
}

// WriteFile writes t's WAV to path.
func (t Tone) WriteFile(path string) error {
	if t.Duration <= 0 || t.Rate <= 0 || t.Amp < 0 || t.Amp > 1 || t.Hz < 0 {
		return fmt.Errorf("tone: want a duration and rate above 0, amplitude 0..1, frequency >= 0")
	}
	return os.WriteFile(path, t.WAV(), 0o644)
}
