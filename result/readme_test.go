package result_test

import (
	"os"
	"strings"
	"testing"
)

// readmeBlock returns the fenced block that follows marker in the README,
// its lines without the fences.
func readmeBlock(t *testing.T, readme, marker string) []string {
	t.Helper()
	i := strings.Index(readme, marker)
	if i < 0 {
		t.Fatalf("README.md: no %q", marker)
	}
	rest := readme[i+len(marker):]
	open := strings.Index(rest, "```")
	if open < 0 {
		t.Fatalf("README.md: no code block after %q", marker)
	}
	body := rest[open:]
	body = body[strings.Index(body, "\n")+1:]
	end := strings.Index(body, "```")
	if end < 0 {
		t.Fatalf("README.md: unterminated code block after %q", marker)
	}
	return strings.Split(strings.TrimSuffix(body[:end], "\n"), "\n")
}

// exampleLines returns the lines of function fn in file, one tab of
// indentation removed, between the first lines holding begin and end (""
// for the end of the function).
func exampleLines(t *testing.T, file, fn, begin, end string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	i := strings.Index(src, "\nfunc "+fn+"() {\n")
	if i < 0 {
		t.Fatalf("%s: no func %s", file, fn)
	}
	var out []string
	in := false
	for _, l := range strings.Split(src[i+1:], "\n") {
		switch {
		case l == "}" && in && end == "":
			return out
		case l == "}":
			t.Fatalf("%s: %s has no %q ... %q", file, fn, begin, end)
		case strings.Contains(l, begin) && !in:
			in = true
		case end != "" && strings.Contains(l, end) && in:
			return out
		case in:
			out = append(out, strings.TrimPrefix(l, "\t"))
		}
	}
	t.Fatalf("%s: %s not terminated", file, fn)
	return nil
}

// TestReadmeMatchSnippet: the README's Go library section shows the code
// of ExamplePredict, which runs, line for line after its spec, and the
// output of ExamplePredict_host, so neither can drift from the library.
func TestReadmeMatchSnippet(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)

	code := readmeBlock(t, readme, "<!-- code of result.ExamplePredict")
	want := exampleLines(t, "predict_example_test.go", "ExamplePredict", "// readme:begin", "// readme:end")
	if len(want) < 5 || !strings.Contains(strings.Join(want, "\n"), "result.Predict(") {
		t.Fatalf("ExamplePredict's readme region is too short to be the snippet: %q", want)
	}
	if len(code) != len(want)+1 || !strings.HasPrefix(code[0], "spec := source.Spec{") {
		t.Fatalf("README.md: the match snippet is a spec line and the %d lines of ExamplePredict's readme region; it has %d lines:\n%s",
			len(want), len(code), strings.Join(code, "\n"))
	}
	for i, w := range want {
		if code[i+1] != w {
			t.Errorf("README.md: match snippet line %d is\n\t%q\nExamplePredict has\n\t%q", i+2, code[i+1], w)
		}
	}

	// The host's output in the README is lines of the Example's output.
	out := readmeBlock(t, readme, "<!-- output of result.ExamplePredict_host")
	lines := exampleLines(t, "predict_example_test.go", "ExamplePredict_host", "// Output:", "")
	output := map[string]bool{}
	for _, l := range lines {
		output[strings.TrimPrefix(l, "// ")] = true
	}
	for _, l := range out {
		if !output[l] {
			t.Errorf("README.md: %q is not in ExamplePredict_host's output", l)
		}
	}
}
