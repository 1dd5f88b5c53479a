package store

import (
	"context"
	"errors"
	"strings"
)

// Open opens the store a config names: "sqlite:PATH", "memory:" (or "").
func Open(ctx context.Context, url string) (Store, error) {
	switch {
	case url == "" || url == "memory:":
		return NewMemory(), nil
	case strings.HasPrefix(url, "sqlite:"):
		return OpenSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return nil, errors.New("store: PostgreSQL is not implemented yet; use sqlite:PATH or memory:")
	}
	return nil, errors.New("store: unsupported store " + url)
}
