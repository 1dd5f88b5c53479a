package clustertest

import (
	"os/user"
	"strconv"
	"syscall"
)

// pgProcAttr runs initdb and postgres as runAs (nil: as this process), and
// has the kernel stop postgres (SIGQUIT: immediate shutdown) if the test
// binary dies before it is stopped.
func pgProcAttr(runAs *user.User) (*syscall.SysProcAttr, error) {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGQUIT}
	if runAs != nil {
		uid, err := strconv.ParseUint(runAs.Uid, 10, 32)
		if err != nil {
			return nil, err
		}
		gid, err := strconv.ParseUint(runAs.Gid, 10, 32)
		if err != nil {
			return nil, err
		}
		attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}
	}
	return attr, nil
}
