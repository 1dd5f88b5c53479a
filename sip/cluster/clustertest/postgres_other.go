//go:build !linux

package clustertest

import (
	"errors"
	"os/user"
	"syscall"
)

// pgProcAttr runs initdb and postgres as this process; handing them to
// another user is only done on Linux.
func pgProcAttr(runAs *user.User) (*syscall.SysProcAttr, error) {
	if runAs != nil {
		return nil, errors.New("PostgreSQL refuses to run as root: run the tests as another user")
	}
	return nil, nil
}
