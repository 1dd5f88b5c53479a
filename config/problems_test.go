package config

import (
	"errors"
	"reflect"
	"testing"

	"github.com/ringd/ringd/engine"
)

func TestEngineProblemsKeepsPathsAndMovesDomain(t *testing.T) {
	err := engine.FieldErrors{
		{Path: "domain", Message: "required"},
		{Path: "ring_groups[0].members[1].extension", Message: `unknown extension "1009"`},
	}
	want := Problems{
		{Path: "sip.domain", Message: "required"},
		{Path: "ring_groups[0].members[1].extension", Message: `unknown extension "1009"`},
	}
	if got := engineProblems(err); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := engineProblems(nil); got != nil {
		t.Errorf("nil error: %q", got)
	}
	if got := engineProblems(errors.New("odd: thing")); !reflect.DeepEqual(got, Problems{{Message: "odd: thing"}}) {
		t.Errorf("plain error: %q", got)
	}
}
