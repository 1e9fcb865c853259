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
