// Package ringdtest runs a real ringd for the tests of the bench packages:
// built from this tree (go build of cmd/ringd) once per test binary and
// served as a process on free 127.0.0.1 ports. It talks to ringd only as
// a process and over the network: it imports the standard library only,
// no package of ringd or of bench. Only tests import it.
package ringdtest
