// Package udpsink is ringbench udp-sink (Main), the black-holed member of
// the SIPp soak cases (bench/sipp/run.sh): a UDP socket that reads every
// datagram and never answers, so ringd's INVITE client transactions to it
// run until Timer B. It counts what came (SinkStats: datagrams, INVITEs
// and their Call-IDs, CANCELs, ACKs, BYEs) and prints one line when -for
// has passed or the process is stopped.
//
// It imports the standard library and bench/tool only: not the load
// generator (bench), the other tools, sipgo, nor any package of ringd.
package udpsink
