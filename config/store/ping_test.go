package store

import (
	"context"
	"path/filepath"
	"testing"
)

func TestPingAnswersUntilClose(t *testing.T) {
	sq, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	pq, err := OpenPostgres(context.Background(), postgresURL(t, false))
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]Store{"memory": NewMemory(), "sqlite": sq, "postgres": pq} {
		if err := st.Ping(context.Background()); err != nil {
			t.Errorf("%s: ping of an open store: %v", name, err)
		}
		_ = st.Close()
		if err := st.Ping(context.Background()); err == nil {
			t.Errorf("%s: ping after Close succeeded", name)
		}
	}
}
