package store

import "testing"

// A ring group stored before answered_elsewhere existed reads back with
// its default (true); one stored with false keeps false.
func TestRingGroupsStoredBeforeANewKeyTakeItsDefault(t *testing.T) {
	var d Data
	if err := d.addObject(KindRingGroup, 1, []byte(`{"number":"6000","name":"Old","strategy":"ring_all","ring_time":20,"skip_busy":true,"members":[]}`), ""); err != nil {
		t.Fatal(err)
	}
	if err := d.addObject(KindRingGroup, 2, []byte(`{"number":"6001","name":"Quiet","strategy":"ring_all","ring_time":20,"skip_busy":false,"answered_elsewhere":false,"members":[]}`), ""); err != nil {
		t.Fatal(err)
	}
	if g := d.RingGroups[0]; !g.AnsweredElsewhere || !g.SkipBusy || g.ID != 1 {
		t.Errorf("old group: %+v; want answered_elsewhere true", g)
	}
	if g := d.RingGroups[1]; g.AnsweredElsewhere || g.SkipBusy || g.ID != 2 {
		t.Errorf("stored false: %+v", g)
	}
}
