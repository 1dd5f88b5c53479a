package strategy

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestFieldErrorText(t *testing.T) {
	if got := (FieldError{Path: "members[1].delay", Message: "bad"}).Error(); got != "members[1].delay: bad" {
		t.Errorf("with path: %q", got)
	}
	if got := (FieldError{Message: "bad"}).Error(); got != "bad" {
		t.Errorf("without path: %q", got)
	}
	es := FieldErrors{{Path: "a", Message: "x"}, {Message: "y"}}
	if got := es.Error(); got != "a: x\ny" {
		t.Errorf("list: %q", got)
	}
}

func TestNewGroupReturnsFieldErrors(t *testing.T) {
	_, err := NewGroup(Kind(0), 20*time.Second, true, []Entry{{Exts: []ExtID{-1}, Delay: -time.Second}})
	var es FieldErrors
	if !errors.As(err, &es) {
		t.Fatalf("error %T is not FieldErrors", err)
	}
	want := FieldErrors{
		{Path: "strategy", Message: "unknown strategy"},
		{Path: "members[0].delay", Message: "must be 0-600 s, got -1s"},
		{Path: "members[0]", Message: "invalid extension ID -1"},
		ErrNoMembers,
	}
	if !slices.Equal(es, want) {
		t.Errorf("got %q, want %q", es, want)
	}
	if !errors.Is(err, ErrNoMembers) {
		t.Error("errors.Is does not find ErrNoMembers")
	}
	if _, err := NewGroup(RingAll, 20*time.Second, true, []Entry{one(1)}); errors.Is(err, ErrNoMembers) {
		t.Error("ErrNoMembers found in a valid group")
	}
}
