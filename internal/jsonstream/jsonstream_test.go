package jsonstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type elem struct {
	Name  string         `json:"name"`
	Tags  []string       `json:"tags"`
	Attrs map[string]int `json:"attrs,omitempty"`
	Raw   json.RawMessage
}

type doc struct {
	Version int    `json:"version"`
	First   []elem `json:"first"`
	Middle  string `json:"middle,omitempty"`
	Second  []elem `json:"second"`
	Nested  struct {
		First []elem `json:"first"`
	} `json:"nested"`
	Last []int `json:"last"`
}

func encode(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWrite: the streamed bytes are encoding/json's, for empty and filled
// arrays, HTML characters, newlines in strings that look like a member,
// and a nested member of the same name that must not be taken.
func TestWrite(t *testing.T) {
	tricky := elem{Name: "<a & b>\n  \"second\": []", Tags: []string{"x", "y"}, Attrs: map[string]int{"b": 2, "a": 1},
		Raw: json.RawMessage(`{"k":[1, 2]}`)}
	for _, tc := range []struct {
		name          string
		first, second []elem
		last          []int
	}{
		{"empty", nil, nil, nil},
		{"first only", []elem{tricky}, nil, []int{1}},
		{"both", []elem{tricky, {Name: "z", Raw: json.RawMessage(`null`)}}, []elem{{Name: "s", Raw: json.RawMessage(`"x"`)}}, []int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := doc{Version: 1, First: tc.first, Middle: "m", Second: tc.second, Last: tc.last}
			full.Nested.First = []elem{tricky}
			if full.First == nil {
				full.First = []elem{}
			}
			if full.Second == nil {
				full.Second = []elem{}
			}
			want := encode(t, full)
			head := full
			head.First, head.Second = []elem{}, []elem{}
			var got strings.Builder
			err := Write(&got, &head,
				Array{Name: "first", Len: len(tc.first), Elem: func(i int) any { return &tc.first[i] }},
				Array{Name: "second", Len: len(tc.second), Elem: func(i int) any { return &tc.second[i] }})
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want)
			}
		})
	}
}

// TestWriteMissing: an array that is not an empty top-level member of the
// head is an error, not a silently different document.
func TestWriteMissing(t *testing.T) {
	head := doc{First: []elem{{Name: "filled"}}, Second: []elem{}}
	err := Write(&strings.Builder{}, &head, Array{Name: "first", Len: 1, Elem: func(int) any { return elem{} }})
	if err == nil {
		t.Fatal("no error for a filled array")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriteError: a failed write is returned.
func TestWriteError(t *testing.T) {
	head := doc{First: []elem{}, Second: []elem{}}
	if err := Write(failWriter{}, &head); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want disk full", err)
	}
}

type run struct {
	Tool    map[string]string `json:"tool"`
	Results []elem            `json:"results"`
	Props   map[string]any    `json:"props,omitempty"`
}

type runsDoc struct {
	Schema string `json:"$schema"`
	Runs   []run  `json:"runs"`
	Top    []elem `json:"top"`
}

// TestWriteNested: an array deeper down, named by its path, is filled at
// its own depth; members of the same name elsewhere (in another element,
// deeper, or at the top) are left alone, and arrays may be given in any
// order.
func TestWriteNested(t *testing.T) {
	tricky := elem{Name: "<a & b>\n      \"results\": []", Tags: []string{"x"}, Attrs: map[string]int{"b": 2, "a": 1},
		Raw: json.RawMessage(`{"results":[]}`)}
	for _, tc := range []struct {
		name     string
		results  []elem
		top      []elem
		twoRuns  bool
		withProp bool
	}{
		{"empty", nil, nil, false, false},
		{"one", []elem{tricky}, nil, false, true},
		{"many and top", []elem{tricky, {Name: "z", Raw: json.RawMessage(`[]`)}, {Name: "y", Raw: json.RawMessage(`1`)}},
			[]elem{{Name: "t", Raw: json.RawMessage(`null`)}}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := func(results, top []elem) runsDoc {
				d := runsDoc{Schema: "s", Runs: []run{{Tool: map[string]string{"results": "[]"}, Results: results}}, Top: top}
				if tc.withProp {
					d.Runs[0].Props = map[string]any{"results": []int{}, "n": 1}
				}
				if tc.twoRuns {
					d.Runs = append(d.Runs, run{Results: []elem{tricky}})
				}
				return d
			}
			want := encode(t, mk(append([]elem{}, tc.results...), append([]elem{}, tc.top...)))
			head := mk([]elem{}, []elem{})
			var got strings.Builder
			err := Write(&got, &head,
				Array{Name: "top", Len: len(tc.top), Elem: func(i int) any { return &tc.top[i] }},
				Array{Path: []string{"runs", "0", "results"}, Len: len(tc.results), Elem: func(i int) any { return &tc.results[i] }})
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want)
			}
		})
	}
}

// TestWriteNestedMissing: a path that leads nowhere, or to a filled
// array, or that is given twice, is an error.
func TestWriteNestedMissing(t *testing.T) {
	head := runsDoc{Runs: []run{{Results: []elem{{Name: "filled"}}}, {Results: []elem{}}}, Top: []elem{}}
	for _, tc := range []struct {
		name   string
		arrays []Array
	}{
		{"filled", []Array{{Path: []string{"runs", "0", "results"}}}},
		{"no such element", []Array{{Path: []string{"runs", "2", "results"}}}},
		{"not at the top", []Array{{Name: "results"}}},
		{"twice", []Array{{Path: []string{"runs", "1", "results"}}, {Path: []string{"runs", "1", "results"}}}},
	} {
		if err := Write(&strings.Builder{}, &head, tc.arrays...); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if err := Write(&strings.Builder{}, &head, Array{Path: []string{"runs", "1", "results"}}); err != nil {
		t.Errorf("the empty array of the second run: %v", err)
	}
}
