// Package media is ringd's own media layer: the prompt files it plays
// (WAV loading, G.711 encoding, the prompt library), the RTP ports it
// takes, the SDP it reads and writes, the paced RTP player for prompts and
// music on hold, and the one-to-many RTP relay for paging.
//
// It is a leaf package: it imports only the standard library, sip/clock
// (the player is paced by a Clock), github.com/pion/rtp and
// github.com/pion/sdp/v3. It must not import
// sipgo, zap, engine, strategy or config; the sip package drives it, and
// cmd/ringd hands Check to config's validation of prompt names.
package media
