// Package torture is ringbench torture (Main): RunTorture sends the RFC
// 4475 torture messages (LoadTorture reads them where they are,
// MANIFEST.tsv and the .dat files) to a running ringd over UDP and TCP,
// each request to sip:user@ once more to ring group 6000 (whose member is
// the runner's agent, which answers INVITEs 486), checks ringd's answers,
// its health (an OPTIONS after each) and what reached the member, and
// holds every answer to TortureTable (table.go), which says where ringd
// differs from the RFC and why. A scheduler holds back a send whose
// transaction ringd may still hold; TortureReport sums the run up and
// writes the differences as a markdown table (bench/TORTURE.md).
//
// It imports sipgo's sip (to answer its member's INVITEs), the standard
// library and bench/tool; not the load generator (bench) nor the other
// tools, and no package of ringd: it reaches ringd over the network only,
// and checks its process through /proc. (Its tests run ringd as a process
// through bench/internal/ringdtest.)
package torture
