package console

import (
	"net/url"
	"strconv"
	"time"

	"github.com/ringd/ringd/engine/cdr"
)

// The call records page's paging links and each record's leg-by-leg
// timeline (templates/cdr.html).

// recordsTop is the API's page size when top is not given (GET
// /api/v1/cdr: 100).
const recordsTop = 100

// recordPage is one page of records as the template shows it.
type recordPage struct {
	Count    int // every match, before paging
	Items    []recordView
	From, To int    // the rank of the first and last shown (1-based)
	Prev     string // the link to the page before, "" on the first
	Next     string // the link to the page after, "" on the last
}

// recordView is a record with its timeline.
type recordView struct {
	cdr.Record
	Timeline timeline
}

// pageOf lays out the records the filters q selected: q's skip and top
// (top defaulting to the API's) give the ranks shown and the links to the
// pages around, which keep every other filter.
func pageOf(recs list[cdr.Record], q url.Values) recordPage {
	skip, _ := strconv.Atoi(q.Get("skip"))
	top := recordsTop
	if v := q.Get("top"); v != "" {
		top, _ = strconv.Atoi(v)
	}
	p := recordPage{Count: recs.Count}
	for _, rec := range recs.Items {
		p.Items = append(p.Items, recordView{Record: rec, Timeline: timelineOf(rec)})
	}
	if len(p.Items) > 0 {
		p.From, p.To = skip+1, skip+len(p.Items)
	}
	if top <= 0 {
		return p
	}
	link := func(skip int) string {
		l := url.Values{}
		for k, v := range q {
			l[k] = v
		}
		l.Del("skip")
		if skip > 0 {
			l.Set("skip", strconv.Itoa(skip))
		}
		return "/ui/cdr?" + l.Encode()
	}
	if skip > 0 {
		p.Prev = link(max(0, skip-top))
	}
	if skip+top < recs.Count {
		p.Next = link(skip + top)
	}
	return p
}

// timeline is a record's legs against its call: offsets from the call's
// start in seconds, and each leg's bar as a share of the call's length.
type timeline struct {
	Answer, End string // offsets; Answer "" when no one answered
	Legs        []legLine
}

// legLine is one leg on the timeline.
type legLine struct {
	Who, Group           string // the extension, or the URI of a leg to the trunk or a service
	Start, End, Duration string // seconds, offsets from the call's start
	Code                 int
	Result               string
	Answered             bool
	Bar                  bool   // the call has a length to draw the bar against
	X, W                 string // the bar's start and width, in percent of the call
}

// timelineOf lays out a record's legs. The call's length is its end's
// offset, or the last leg's end when the record has no end.
func timelineOf(rec cdr.Record) timeline {
	off := func(t time.Time) time.Duration { return t.Sub(rec.Start) }
	tl := timeline{Answer: offset(rec.Start, rec.Answer), End: offset(rec.Start, rec.End)}
	span := off(rec.End)
	if rec.End.IsZero() {
		span = 0
		for _, l := range rec.Legs {
			if !l.End.IsZero() {
				span = max(span, off(l.End))
			}
		}
	}
	for _, l := range rec.Legs {
		line := legLine{Who: l.Extension, Group: l.Group, Start: offset(rec.Start, l.Start), End: offset(rec.Start, l.End),
			Code: l.Code, Result: l.Result, Answered: l.Result == "answered"}
		if l.URI != "" {
			line.Who = l.URI
		}
		if !l.Start.IsZero() && !l.End.IsZero() {
			line.Duration = seconds1(l.End.Sub(l.Start))
		}
		if span > 0 && !l.Start.IsZero() {
			end := span
			if !l.End.IsZero() {
				end = min(off(l.End), span)
			}
			x := min(max(percent(off(l.Start), span), 0), 99.5)
			w := max(percent(end, span)-x, 0.5) // a leg that ended at once still shows
			line.Bar, line.X, line.W = true, strconv.FormatFloat(x, 'f', 1, 64), strconv.FormatFloat(min(w, 100-x), 'f', 1, 64)
		}
		tl.Legs = append(tl.Legs, line)
	}
	return tl
}

// offset is t's offset from start in seconds, "" when t is not set.
func offset(start, t time.Time) string {
	if t.IsZero() || start.IsZero() {
		return ""
	}
	return seconds1(t.Sub(start))
}

// seconds1 is a duration in seconds with one decimal: "4.2".
func seconds1(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
}

func percent(d, of time.Duration) float64 { return float64(d) * 100 / float64(of) }
