package bench

import (
	"context"
	"io"

	"github.com/ringd/ringd/bench/media"
	"github.com/ringd/ringd/bench/torture"
	"github.com/ringd/ringd/bench/udpsink"
)

// Tools are ringbench's subcommands besides the load generator, for the
// SIPp suite's cases (media, soak, the RFC 4475 torture run):
// `ringbench NAME [flags]`. Each returns the process's exit status.
type Tool func(ctx context.Context, args []string, stdout, stderr io.Writer) int

var tools = map[string]Tool{
	"rtp-listen": media.RTPListenMain,
	"tone":       media.ToneMain,
	"torture":    torture.Main,
	"udp-sink":   udpsink.Main,
}

// LookupTool is the tool called name, if there is one. The load
// generator's command line starts with a flag (or is empty), so a first
// argument naming a tool is never one of its own.
func LookupTool(name string) (Tool, bool) {
	t, ok := tools[name]
	return t, ok
}
