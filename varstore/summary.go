package varstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// SummarySchemaVersion versions the JSON document of Summary (schema in
// schema/vars.schema.json).
const SummarySchemaVersion = 1

// Summary is what `fwaudit vars` shows for a list of files: per file its
// container, store and Secure Boot keys, judged at one date.
type Summary struct {
	SchemaVersion int           `json:"schema_version"`
	At            string        `json:"at"` // YYYY-MM-DD
	Files         []FileSummary `json:"files"`
}

// FileSummary is one file of a Summary.
type FileSummary struct {
	File string `json:"file"`
	// Verdict is the one-line judgement shown first, e.g. "Microsoft 2023
	// CAs: missing from KEK and db".
	Verdict     string      `json:"verdict"`
	Status      string      `json:"status"` // "ok", "outdated", "no-keys", "error"
	Error       *FileError  `json:"error,omitempty"`
	Container   Container   `json:"container,omitempty"`
	FileSize    int64       `json:"file_size"`
	ImageSize   int64       `json:"image_size"`
	Format      StoreFormat `json:"format,omitempty"`
	Volume      *Volume     `json:"volume,omitempty"`
	StoreOffset int64       `json:"store_offset"`
	StoreSize   int64       `json:"store_size"`
	Variables   int         `json:"variables"` // current variables
	SecureBoot  *SBSummary  `json:"secure_boot,omitempty"`
}

// FileError is a read error with its position.
type FileError struct {
	Message string `json:"message"`
	Layer   string `json:"layer,omitempty"`
	Offset  *int64 `json:"offset,omitempty"`
}

// SBSummary is the Secure Boot state and keys of a store.
type SBSummary struct {
	Enabled          bool         `json:"enabled"`
	SetupMode        bool         `json:"setup_mode"`
	CustomMode       bool         `json:"custom_mode"`
	SecureBootEnable *bool        `json:"secure_boot_enable,omitempty"`
	Vars             []VarSummary `json:"vars"` // PK, KEK, db, dbx
	Missing2023      []Gap        `json:"missing_2023"`
}

// VarSummary is one of PK, KEK, db, dbx.
type VarSummary struct {
	Name    string         `json:"name"`
	Present bool           `json:"present"`
	Error   string         `json:"error,omitempty"`
	Entries []EntrySummary `json:"entries"`
}

// EntrySummary is one signature list entry.
type EntrySummary struct {
	Type      string     `json:"type"`
	Owner     GUID       `json:"owner"`
	Offset    int64      `json:"offset"`
	Subject   string     `json:"subject,omitempty"`
	Issuer    string     `json:"issuer,omitempty"`
	Serial    string     `json:"serial,omitempty"`
	NotBefore string     `json:"not_before,omitempty"`
	NotAfter  string     `json:"not_after,omitempty"`
	Expired   bool       `json:"expired,omitempty"`
	SHA256    string     `json:"sha256,omitempty"`
	Known     *KnownCert `json:"known,omitempty"`
	CertError string     `json:"cert_error,omitempty"`
	Hash      string     `json:"hash,omitempty"`
}

// Summarize describes one file: the image Read or Open returned and its
// error. Expiry is judged at at.
func Summarize(file string, img *Image, err error, at time.Time) FileSummary {
	fs := FileSummary{File: file}
	if err != nil {
		fs.Status, fs.Verdict = "error", "unreadable: "+err.Error()
		fs.Error = &FileError{Message: err.Error()}
		var e *Error
		if errors.As(err, &e) {
			fs.Error.Layer = e.Layer
			if e.Offset >= 0 {
				off := e.Offset
				fs.Error.Offset = &off
			}
		}
		return fs
	}
	fs.Container, fs.FileSize, fs.ImageSize, fs.Format, fs.Volume = img.Container, img.FileSize, img.ImageSize, img.Format, img.Volume
	fs.StoreOffset, fs.StoreSize, fs.Variables = img.StoreOffset, img.StoreSize, len(img.Current())
	sb := img.SecureBoot()
	s := &SBSummary{Enabled: sb.Enabled, SetupMode: sb.SetupMode, CustomMode: sb.CustomMode, SecureBootEnable: sb.SecureBootEnable,
		Missing2023: sb.Missing2023()}
	if s.Missing2023 == nil {
		s.Missing2023 = []Gap{}
	}
	for _, k := range sb.DBs() {
		v := VarSummary{Name: k.Name, Present: k.Present, Entries: []EntrySummary{}}
		if k.Err != nil {
			v.Error = k.Err.Error()
		}
		for _, e := range k.Entries {
			es := EntrySummary{Type: e.Type, Owner: e.Owner, Offset: e.Offset, Hash: e.Hash}
			if c := e.Cert; c != nil {
				es.SHA256, es.Known, es.CertError = c.SHA256, c.Known, c.Err
				if c.Err == "" {
					es.Subject, es.Issuer, es.Serial = c.Subject, c.Issuer, c.Serial
					es.NotBefore, es.NotAfter = c.NotBefore.Format(time.RFC3339), c.NotAfter.Format(time.RFC3339)
				}
				es.Expired = c.Expired(at)
			}
			v.Entries = append(v.Entries, es)
		}
		s.Vars = append(s.Vars, v)
	}
	fs.SecureBoot = s
	fs.Status, fs.Verdict = verdict(sb)
	return fs
}

func verdict(sb *SecureBoot) (status, text string) {
	if gaps := sb.Missing2023(); len(gaps) > 0 {
		var vars []string
		for _, g := range gaps {
			vars = append(vars, g.Var)
		}
		return "outdated", "Microsoft 2023 CAs: missing from " + strings.Join(vars, " and ")
	}
	if sb.SetupMode {
		return "no-keys", "Secure Boot keys: none enrolled (setup mode: nothing is enforced)"
	}
	if sb.HasMicrosoft2023() {
		return "ok", "Microsoft 2023 CAs: enrolled in KEK and db"
	}
	return "ok", "Microsoft CAs: none enrolled (the store's own keys only)"
}

// WriteJSON writes s as indented JSON.
func (s *Summary) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// File names and certificate subjects are written as they are: "<",
	// ">" and "&" are not escaped (the output is not embedded in HTML),
	// as in every other JSON fwaudit writes.
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}

// Formats are the formats Write renders, the default first.
var Formats = []string{"text", "json"}

// Write renders s to w in format: "text" (WriteText with o) or "json"
// (WriteJSON), as fwaudit vars --format names them.
func (s *Summary) Write(w io.Writer, format string, o TextOptions) error {
	switch format {
	case "text":
		return s.WriteText(w, o)
	case "json":
		return s.WriteJSON(w)
	}
	return fmt.Errorf("varstore: unknown format %q (want text or json)", format)
}

// TextOptions control WriteText.
type TextOptions struct {
	// Color marks verdicts and expired certificates with ANSI colors (for
	// a terminal).
	Color bool
	// Hashes lists every hash entry instead of counting them.
	Hashes bool
}

// WriteText writes s for a person: per file the verdict first, then the
// container and store, then PK, KEK, db and dbx aligned in columns.
func (s *Summary) WriteText(w io.Writer, o TextOptions) error {
	paint := func(code, t string) string {
		if !o.Color {
			return t
		}
		return "\x1b[" + code + "m" + t + "\x1b[0m"
	}
	var b strings.Builder
	for i, f := range s.Files {
		if i > 0 {
			b.WriteString("\n")
		}
		code := map[string]string{"ok": "32", "outdated": "33", "no-keys": "33", "error": "31"}[f.Status]
		fmt.Fprintf(&b, "%s: %s\n", f.File, paint(code, f.Verdict))
		if f.Error != nil {
			continue
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		store := string(f.Format)
		if f.Volume != nil {
			store += fmt.Sprintf(", volume %d bytes at %#x, store %d bytes at %#x", f.Volume.Length, f.Volume.Offset, f.StoreSize, f.StoreOffset)
		}
		fmt.Fprintf(tw, "  container\t%s, %d bytes (image %d bytes)\n", f.Container, f.FileSize, f.ImageSize)
		fmt.Fprintf(tw, "  store\t%s; %d variables\n", store, f.Variables)
		sb := f.SecureBoot
		state := "disabled (no PK: setup mode)"
		switch {
		case sb.Enabled:
			state = "enabled (PK enrolled)"
		case !sb.SetupMode:
			state = "disabled (SecureBootEnable is 0)"
		}
		if sb.CustomMode {
			state += ", custom mode"
		}
		fmt.Fprintf(tw, "  secure boot\t%s\n", state)
		for _, v := range sb.Vars {
			label := v.Name
			if v.Error != "" {
				fmt.Fprintf(tw, "  %s\t%s\n", label, paint("31", "error: "+v.Error))
				label = ""
			}
			if len(v.Entries) == 0 && v.Error == "" {
				fmt.Fprintf(tw, "  %s\t(empty)\n", label)
				continue
			}
			hashes := map[string]int{}
			for _, e := range v.Entries {
				if e.Hash != "" && !o.Hashes {
					hashes[e.Type]++
					continue
				}
				if e.Hash != "" {
					fmt.Fprintf(tw, "  %s\t%s %s\n", label, e.Type, e.Hash)
					label = ""
					continue
				}
				name, known := e.Subject, "-"
				if e.Known != nil {
					name, known = e.Known.Name, e.Known.ID
				} else if e.CertError != "" {
					name = "unparsable certificate: " + e.CertError
				}
				until := "until " + dateOf(e.NotAfter)
				if e.Expired {
					until = paint("31", "expired "+dateOf(e.NotAfter))
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", label, name, until, known)
				label = ""
			}
			for _, t := range []string{"sha256", "sha1", "sha384", "sha512", "x509-sha256", "x509-sha384", "x509-sha512", "rsa2048", "unknown"} {
				if n := hashes[t]; n > 0 {
					plural := "es"
					if n == 1 {
						plural = ""
					}
					fmt.Fprintf(tw, "  %s\t%d %s hash%s\n", label, n, t, plural)
					label = ""
				}
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func dateOf(rfc3339 string) string {
	if len(rfc3339) >= 10 {
		return rfc3339[:10]
	}
	return rfc3339
}

// SummarizeFiles is what fwaudit vars shows for files: each opened with
// OpenFile and summarized (Summarize) at the date at; zero is today, UTC.
// A file that cannot be read is an entry with its error (Failed).
func SummarizeFiles(files []string, at time.Time) *Summary {
	if at.IsZero() {
		at = time.Now().UTC()
	}
	s := &Summary{SchemaVersion: SummarySchemaVersion, At: at.Format(time.DateOnly), Files: []FileSummary{}}
	for _, name := range files {
		img, err := OpenFile(name)
		s.Files = append(s.Files, Summarize(name, img, err, at))
	}
	return s
}

// Failed reports whether a file could not be read (fwaudit vars' exit 1).
func (s *Summary) Failed() bool {
	for _, f := range s.Files {
		if f.Error != nil {
			return true
		}
	}
	return false
}
