package store

import (
	"testing"

	"github.com/ringd/ringd/engine/cdr"
)

var benchStores = []struct {
	name string
	open func(testing.TB) Store
}{
	{"sqlite", openSQLiteTemp},
	{"postgres", openPostgresDurable},
	{"memory", openMemory},
}

// BenchmarkAddRecords writes call records ten at a time, as the record
// writer batches them; half of them carry two missed calls. SQLite and
// PostgreSQL both wait for every commit to reach the disk (PostgreSQL is
// the tests' throwaway server, on 127.0.0.1).
func BenchmarkAddRecords(b *testing.B) {
	for _, impl := range benchStores {
		b.Run(impl.name, func(b *testing.B) {
			s := impl.open(b)
			batch := make([]cdr.Record, 10)
			for i := range batch {
				batch[i] = record(i)
				if i%2 == 0 {
					batch[i].Missed = []string{"101", "102"}
				}
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := s.AddRecords(b.Context(), batch...); err != nil {
					b.Fatal(err)
				}
				n += len(batch)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkRecords reads a page of GET /cdr: the 100 newest records of
// one group, and their count, among 10,000.
func BenchmarkRecords(b *testing.B) {
	for _, impl := range benchStores {
		b.Run(impl.name, func(b *testing.B) {
			s := impl.open(b)
			batch := make([]cdr.Record, 0, 1000)
			for i := range 10000 {
				batch = append(batch, record(i))
				if len(batch) == cap(batch) {
					if err := s.AddRecords(b.Context(), batch...); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				got, n, err := s.Records(b.Context(), RecordQuery{Group: "6001"})
				if err != nil || len(got) != 100 || n != 5000 {
					b.Fatalf("Records: %d records of %d, %v", len(got), n, err)
				}
			}
		})
	}
}

// openPostgresDurable opens a store on a new database of the test server
// whose commits wait for the disk, as ringd's would.
func openPostgresDurable(tb testing.TB) Store {
	tb.Helper()
	s, err := OpenPostgres(tb.Context(), postgresURL(tb, true))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
