package dialogs

import (
	"slices"
	"testing"
	"time"
)

func TestDialogsTrackBusyAndExpire(t *testing.T) {
	d := New()
	now := time.Unix(1_700_000_000, 0)
	if got := d.Add("a", now, "1001", "2000"); !slices.Equal(got, []string{"1001", "2000"}) {
		t.Fatalf("add: %v", got)
	}
	if got := d.Add("b", now, "1001", ""); len(got) != 0 {
		t.Errorf("1001 was busy already, got %v", got)
	}
	d.Confirm("a")
	if !d.Busy("1001") || !d.Busy("2000") || d.Len() != 2 {
		t.Fatal("both calls should count")
	}
	// b was never acknowledged: it goes after the unconfirmed timeout; a stays.
	ids, freed := d.Expire(now.Add(UnconfirmedTimeout+time.Second), time.Hour)
	if !slices.Equal(ids, []string{"b"}) || len(freed) != 0 {
		t.Errorf("expire: ids %v freed %v", ids, freed)
	}
	if got := d.End("a"); !slices.Equal(got, []string{"1001", "2000"}) || d.Busy("1001") {
		t.Errorf("end: %v", got)
	}
	d.Add("c", now, "1002")
	d.Confirm("c")
	d.Shrink()
	if ids, freed := d.Expire(now.Add(2*time.Hour), time.Hour); !slices.Equal(ids, []string{"c"}) || !slices.Equal(freed, []string{"1002"}) {
		t.Errorf("dialog timeout: ids %v freed %v", ids, freed)
	}
}
