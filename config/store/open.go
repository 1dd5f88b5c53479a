package store

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// Open opens the store a config names: "sqlite:PATH", "memory:" (or ""),
// or "postgres://USER:PASS@HOST:PORT/DB" ("postgresql://" too).
func Open(ctx context.Context, url string) (Store, error) {
	switch {
	case url == "" || url == "memory:":
		return NewMemory(), nil
	case strings.HasPrefix(url, "sqlite:"):
		return OpenSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return OpenPostgres(ctx, url)
	}
	return nil, errors.New("store: unsupported store " + redact(url) +
		"; use sqlite:PATH, memory: or postgres://USER:PASS@HOST:PORT/DB")
}

// redact hides the password of a URL-like store string in an error.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		scheme, _, _ := strings.Cut(s, ":")
		return scheme + ":..."
	}
	return u.Redacted()
}
