package sip

import (
	"slices"
	"testing"
	"time"
)

func TestDialogsTrackBusyAndExpire(t *testing.T) {
	d := newDialogs()
	if got := d.add("a", "1001", "2000"); !slices.Equal(got, []string{"1001", "2000"}) {
		t.Fatalf("add: %v", got)
	}
	if got := d.add("b", "1001", ""); len(got) != 0 {
		t.Errorf("1001 was busy already, got %v", got)
	}
	d.confirm("a")
	if !d.isBusy("1001") || !d.isBusy("2000") || d.count() != 2 {
		t.Fatal("both calls should count")
	}
	// b was never acknowledged: it goes after the unconfirmed timeout; a stays.
	ids, freed := d.expire(time.Now().Add(unconfirmedTimeout+time.Second), time.Hour)
	if !slices.Equal(ids, []string{"b"}) || len(freed) != 0 {
		t.Errorf("expire: ids %v freed %v", ids, freed)
	}
	if got := d.end("a"); !slices.Equal(got, []string{"1001", "2000"}) || d.isBusy("1001") {
		t.Errorf("end: %v", got)
	}
	d.add("c", "1002")
	d.confirm("c")
	if ids, freed := d.expire(time.Now().Add(2*time.Hour), time.Hour); !slices.Equal(ids, []string{"c"}) || !slices.Equal(freed, []string{"1002"}) {
		t.Errorf("dialog timeout: ids %v freed %v", ids, freed)
	}
}
