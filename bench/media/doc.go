// Package media is ringbench's side of the SIPp suite's media cases
// (bench/sipp/run.sh): SIPp cannot look at the RTP it receives, so the
// suite points the caller's SDP at an RTPListener, and it writes the
// prompt files ringd plays with Tone.
//
//   - ringbench rtp-listen (RTPListenMain): an RTPListener receives RTP on
//     one UDP port until it has been idle for a while (or a time limit),
//     and RTPStats measures the stream (packets, payload types, SSRCs,
//     sequence breaks, timestamp steps, payload sizes, marker bits,
//     inter-arrival mean and maximum, arrival times of the first and last
//     packet) and checks it against an RTPWant: one line of key=value,
//     exit 1 when a check failed.
//   - ringbench tone (ToneMain): a sine tone written as a WAV prompt file
//     (Tone: mono 16-bit PCM, 8000 Hz unless told otherwise).
//
// It imports pion/rtp, the standard library and bench/tool; not the load
// generator (bench) nor the other tools, and no package of ringd: it meets
// ringd's media on the wire and in files only. (Its tests play a tone
// through ringd's sip/media player, to check that the listener accepts
// what ringd sends.)
package media
