package store

import (
	"testing"

	"github.com/ringd/ringd/engine/cdr"
)

// BenchmarkAddRecords writes call records ten at a time, as the record
// writer batches them; half of them carry two missed calls.
func BenchmarkAddRecords(b *testing.B) {
	for _, impl := range []struct {
		name string
		open func(testing.TB) Store
	}{
		{"sqlite", openSQLiteTemp},
		{"memory", openMemory},
	} {
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
