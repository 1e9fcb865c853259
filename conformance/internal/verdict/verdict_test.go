package verdict

import (
	"strings"
	"testing"

	"github.com/fwaudit/fwaudit/matcher"
)

func str(s string) *string { return &s }

func TestDiff(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		got    matcher.Answer
		differ bool
	}{
		{"same choice", `{"ok": true, "descriptor": "a.json", "smm": "on"}`,
			matcher.Answer{OK: true, Descriptor: str("a.json"), SMM: str("on")}, false},
		{"other choice", `{"ok": true, "descriptor": "a.json"}`,
			matcher.Answer{OK: true, Descriptor: str("b.json")}, true},
		{"failure: only the error, stage and descriptor count", `{"ok": false, "error": "x", "stage": "define"}`,
			matcher.Answer{OK: false, Error: str("x"), Stage: str("define"), SMM: str("on")}, false},
		{"failure: another error", `{"ok": false, "error": "x"}`,
			matcher.Answer{OK: false, Error: str("y")}, true},
		{"failure: another stage", `{"ok": false, "error": "x", "stage": "define"}`,
			matcher.Answer{OK: false, Error: str("x"), Stage: str("start")}, true},
		{"crashed daemon: predicted success", `{"ok": false, "error": "x", "stage": "define", "daemon_crashed": true}`,
			matcher.Answer{OK: true}, true},
		{"crashed daemon: predicted refusal", `{"ok": false, "error": "x", "stage": "define", "daemon_crashed": true}`,
			matcher.Answer{OK: false, Error: str("x"), Stage: str("define")}, true},
		{"crashed daemon: predicted crash, another message", `{"ok": false, "error": "x", "stage": "define", "daemon_crashed": true, "descriptor": "k.json"}`,
			matcher.Answer{OK: false, Error: str("y"), Stage: str("define"), DaemonCrashed: true, Descriptor: str("k.json")}, false},
		{"crashed daemon: predicted crash at another stage", `{"ok": false, "error": "x", "stage": "start", "daemon_crashed": true}`,
			matcher.Answer{OK: false, Stage: str("define"), DaemonCrashed: true}, true},
	}
	for _, tt := range tests {
		d, err := Diff([]byte(tt.answer), &tt.got)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if (d != "") != tt.differ {
			t.Errorf("%s: Diff = %q, want a difference: %v", tt.name, d, tt.differ)
		}
	}
	if _, err := Diff([]byte("{"), &matcher.Answer{}); err == nil || !strings.Contains(err.Error(), "JSON") {
		t.Errorf("Diff on bad JSON: err = %v, want a JSON error", err)
	}
}

func TestDiffStart(t *testing.T) {
	stored := matcher.Answer{OK: true, Descriptor: str("a.json"), Loader: &matcher.AnswerLoader{Path: str("/x")},
		Start: &matcher.AnswerStart{Error: str("Failed to open file")}}
	tests := []struct {
		name   string
		answer string
		got    matcher.Answer
		differ bool
	}{
		{"defined, refused at start", `{"ok": false, "error": "Failed to open file", "stage": "start", "descriptor": "a.json"}`, stored, false},
		{"defined and started", `{"ok": true, "descriptor": "a.json", "loader": {"path": "/other"}}`, stored, true},
		{"started, as predicted", `{"ok": true, "descriptor": "a.json", "loader": {"path": "/other"}}`,
			matcher.Answer{OK: true, Descriptor: str("a.json")}, false},
		{"refused at define", `{"ok": false, "error": "x", "stage": "define"}`, stored, true},
		{"define refused, as predicted", `{"ok": false, "error": "x", "stage": "define"}`,
			matcher.Answer{OK: false, Error: str("x"), Stage: str("define")}, false},
		{"another start error", `{"ok": false, "error": "y", "stage": "start", "descriptor": "a.json"}`, stored, true},
	}
	for _, tt := range tests {
		d, err := DiffStart([]byte(tt.answer), &tt.got)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if (d != "") != tt.differ {
			t.Errorf("%s: DiffStart = %q, want a difference: %v", tt.name, d, tt.differ)
		}
	}
}
