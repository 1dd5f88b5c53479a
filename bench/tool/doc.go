// Package tool is what ringbench's subcommands (rtp-listen, tone,
// udp-sink, torture) share: a flag set whose -h prints the tool's usage
// and every flag, and the parse that maps bad flags and stray arguments to
// exit status 2. It imports the standard library only, and none of the
// tools: they import it.
package tool
