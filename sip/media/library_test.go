package media

import (
	"github.com/ringd/ringd/sip/clock"

	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLibraryLoad(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "welcome.wav", pcmWAV(sine(800)))
	writeFile(t, dir, "sales/welcome.wav", pcmWAV(sine(1600)))
	writeFile(t, dir, "bad.wav", []byte("not audio"))
	writeFile(t, t.TempDir(), "x.wav", pcmWAV(sine(800)))

	names := []string{"welcome.wav", "", "sales/welcome.wav", "../x.wav", "/etc/x.wav", "missing.wav", "bad.wav", "welcome.wav"}
	lib, err := Load(dir, names, nil)
	if lib == nil {
		t.Fatal("nil library")
	}
	if p := lib.Get("welcome.wav"); p == nil || p.Duration != 100*time.Millisecond {
		t.Errorf("welcome.wav: %+v", p)
	}
	if p := lib.Get("sales/welcome.wav"); p == nil || p.Duration != 200*time.Millisecond {
		t.Errorf("sales/welcome.wav: %+v", p)
	}
	for _, n := range []string{"", "../x.wav", "missing.wav", "bad.wav"} {
		if lib.Get(n) != nil {
			t.Errorf("Get(%q) not nil", n)
		}
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		t.Fatalf("error %v is not joined", err)
	}
	errs := joined.Unwrap()
	want := []string{
		dir + "/../x.wav: outside the prompt directory " + dir,
		"/etc/x.wav: absolute path, want a name relative to the prompt directory " + dir,
		dir + "/missing.wav: no such file or directory",
		dir + "/bad.wav: not a WAV file (no RIFF/WAVE header)",
	}
	if len(errs) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(errs), len(want), err)
	}
	for i, e := range errs {
		if e.Error() != want[i] {
			t.Errorf("error %d: %q, want %q", i, e, want[i])
		}
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is(err, fs.ErrNotExist) false")
	}

	ok, err := Load(dir, []string{"welcome.wav", ""}, nil)
	if err != nil || ok.Get("welcome.wav") == nil || ok.Dir() != dir {
		t.Errorf("good load: %v", err)
	}
	var none *Library
	if none.Get("welcome.wav") != nil || none.Dir() != "" {
		t.Error("nil Library")
	}
}

func TestLibraryReuse(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.wav", pcmWAV(sine(800)))
	writeFile(t, dir, "b.wav", pcmWAV(sine(800)))
	names := []string{"a.wav", "b.wav"}
	lib1, err := Load(dir, names, nil)
	if err != nil {
		t.Fatal(err)
	}

	lib2, err := Load(dir, names, lib1)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if lib2.Get(n) != lib1.Get(n) {
			t.Errorf("%s decoded again though unchanged", n)
		}
	}

	// Same size, new content and a new modification time: reloaded.
	if err := os.WriteFile(a, pcmWAV(constant(800, 1234)), 0o644); err != nil {
		t.Fatal(err)
	}
	later := clock.Real().Now().Add(time.Minute)
	if err := os.Chtimes(a, later, later); err != nil {
		t.Fatal(err)
	}
	lib3, err := Load(dir, names, lib2)
	if err != nil {
		t.Fatal(err)
	}
	if lib3.Get("a.wav") == lib2.Get("a.wav") || lib3.Get("a.wav").PCM()[0] != 1234 {
		t.Error("changed a.wav not reloaded")
	}
	if lib3.Get("b.wav") != lib1.Get("b.wav") {
		t.Error("unchanged b.wav decoded again")
	}

	// Another size, same modification time: reloaded too.
	if err := os.WriteFile(a, pcmWAV(constant(400, 99)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(a, later, later); err != nil {
		t.Fatal(err)
	}
	lib4, err := Load(dir, names, lib3)
	if err != nil {
		t.Fatal(err)
	}
	if p := lib4.Get("a.wav"); p == lib3.Get("a.wav") || p.PCM()[0] != 99 {
		t.Error("resized a.wav not reloaded")
	}

	// The same names under another directory are other files.
	dir2 := t.TempDir()
	writeFile(t, dir2, "a.wav", pcmWAV(sine(800)))
	lib5, _ := Load(dir2, names, lib4)
	if lib5.Get("a.wav") == lib4.Get("a.wav") || lib5.Get("a.wav") == nil {
		t.Error("a.wav of another directory reused")
	}

	// A file that went bad drops out with its error.
	if err := os.WriteFile(a, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib6, err := Load(dir, names, lib4)
	if err == nil || !strings.HasPrefix(err.Error(), a+": ") || lib6.Get("a.wav") != nil || lib6.Get("b.wav") != lib1.Get("b.wav") {
		t.Errorf("bad reload: %v", err)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.wav", pcmWAV(sine(800)))
	writeFile(t, dir, "stereo.wav", riff(fmtChunk(1, 2, 8000, 16), chunk{"data", pcm16(sine(800))}))
	for name, want := range map[string]string{
		"a.wav":       "",
		"":            "",
		"stereo.wav":  filepath.Join(dir, "stereo.wav") + ": 2 channels, want mono",
		"missing.wav": filepath.Join(dir, "missing.wav") + ": no such file or directory",
		"../a.wav":    dir + "/../a.wav: outside the prompt directory " + dir,
	} {
		for range 2 { // the second time from the cache
			err := Check(dir, name)
			if got := errString(err); got != want {
				t.Errorf("Check(%q) = %q, want %q", name, got, want)
			}
		}
	}

	// A file that changes is checked again.
	if err := os.WriteFile(a, []byte("now it is text"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := clock.Real().Now().Add(time.Minute)
	if err := os.Chtimes(a, later, later); err != nil {
		t.Fatal(err)
	}
	if err := Check(dir, "a.wav"); errString(err) != a+": not a WAV file (no RIFF/WAVE header)" {
		t.Errorf("changed file: %v", err)
	}
	r, ok := checks.get(a, mustStat(t, a))
	if !ok || r.err == nil {
		t.Error("result not cached")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
