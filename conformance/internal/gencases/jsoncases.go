package main

import "strings"

// §2 JSON syntax: what each release's JSON parser accepts beyond or short of
// strict JSON. libvirt 9.0 and 10.0 parse descriptors with yajl 2, 11.3
// and 12.8 with json-c; the two disagree on repeated member names, nesting
// depth and non-finite numbers, and both read strings as C strings.
func jsonSyntaxCases() []Case {
	plain := usr("50-plain.json", plainD())
	j := func(name, about string, data any) Case {
		return Case{Name: "json-" + name, About: about, Tags: tags("invalid-descriptor descriptor-format json-syntax version-diff"),
			Files: []F{usr("10-bad.json", data), plain}}
	}
	x86T := `"targets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}]`
	armT := `"targets": [{"architecture": "aarch64", "machines": ["virt-*"]}]`
	armBase := badBase().arch("aarch64").obj()
	deep := func(k int, open, inner, close string) string {
		return `"x-deep": ` + strings.Repeat(open, k) + inner + strings.Repeat(close, k)
	}
	return []Case{
		j("dup-key-last-matches", "§2: a member given twice, the last value matching: yajl (9.0, 10.0) rejects the file, json-c (11.3, 12.8) takes the last value.",
			jsonWith(armBase, x86T)),
		j("dup-key-first-matches", "§2: a member given twice, the first value matching: json-c takes the last, which does not match.",
			jsonWith(badBase().obj(), armT)),
		j("dup-key-nested", "§2: a filename given twice inside mapping.executable: json-c takes the last.",
			strings.Replace(string(jsonWith(badBase().obj())), `CODE.bad.fd",`, `CODE.bad.fd", "filename": "`+x86+`CODE.dup.fd",`, 1)),
		j("dup-key-unknown-member", "§2: a name repeated inside a member libvirt does not read: yajl still rejects the file.",
			jsonWith(badBase().obj(), `"x-extra": {"a": 1, "a": 2}`)),
		j("dup-key-escaped", "§2: \\u0074argets is targets: a repeated name once escapes are decoded.",
			jsonWith(armBase, `"\u0074argets": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}]`)),
		j("dup-key-nul-escape", "§2: targets\\u0000x is read as the C string targets: a repeated name.",
			jsonWith(armBase, `"targets\u0000x": [{"architecture": "x86_64", "machines": ["pc-q35-*"]}]`)),
		j("nul-escape-key", "§2: features\\u0000x is read as features: every release accepts the file.",
			strings.Replace(string(jsonWith(badBase().obj())), `"features"`, `"features\u0000x"`, 1)),
		j("nul-escape-filename", "§2: an escaped NUL ends the executable's file name: the loader path stops there.",
			strings.Replace(string(jsonWith(badBase().obj())), `CODE.bad.fd"`, `CODE.bad.fd\u0000.old"`, 1)),
		j("nul-escape-format", "§2: format raw\\u0000x is read as raw.",
			strings.Replace(string(jsonWith(badBase().obj())), `"raw"`, `"raw\u0000x"`, 1)),
		j("nul-byte-after-document", "§2: a NUL byte after the document ends the file as libvirt reads it: the rest is never parsed.",
			string(jsonWith(badBase().obj()))+"\x00garbage {"),
		j("nul-byte-inside-document", "§2: a NUL byte inside the document cuts it short: the file is not JSON.",
			strings.Replace(string(jsonWith(badBase().obj())), `"tags"`, "\x00\"tags\"", 1)),
		j("comment-block", "§2: a /* */ comment: neither parser accepts comments.", jsonWith(badBase().obj(), `/* comment */ "x-extra": 1`)),
		j("comment-line", "§2: a // comment: neither parser accepts comments.", jsonWith(badBase().obj(), "// comment\n    \"x-extra\": 1")),
		j("byte-order-mark", "§2: a UTF-8 byte order mark before the document.", "\uFEFF"+string(jsonWith(badBase().obj()))),
		j("utf8-invalid-byte", "§2: a byte 0xff in the description: both parsers validate UTF-8.",
			strings.Replace(string(jsonWith(badBase().obj())), "would win if accepted", "would win \xff if accepted", 1)),
		j("escape-lone-surrogate", "§2: \\ud800 without its pair in the description: accepted.",
			strings.Replace(string(jsonWith(badBase().obj())), "would win if accepted", `would win \ud800 if accepted`, 1)),
		j("depth-32-arrays", "§2: a member nesting arrays to level 32 (the document is level 1): every release accepts it.",
			jsonWith(badBase().obj(), deep(31, "[", "", "]"))),
		j("depth-33-arrays", "§2: arrays nested to level 33: json-c in 11.3 allows 32 levels.",
			jsonWith(badBase().obj(), deep(32, "[", "", "]"))),
		j("depth-32-number", "§2: objects nested to level 31 holding a number, at level 32: a number counts as a level.",
			jsonWith(badBase().obj(), deep(30, `{"a": `, "1", "}"))),
		j("depth-33-number", "§2: objects nested to level 32 holding a number, at level 33.",
			jsonWith(badBase().obj(), deep(31, `{"a": `, "1", "}"))),
		j("depth-5000", "§2: arrays nested 5,000 levels deep: yajl has no limit.",
			jsonWith(badBase().obj(), deep(4999, "[", "", "]"))),
		j("depth-300-arrays", "§2: arrays nested to level 300: json-c in 12.8 allows 300 levels.",
			jsonWith(badBase().obj(), deep(299, "[", "", "]"))),
		j("depth-301-arrays", "§2: arrays nested to level 301.",
			jsonWith(badBase().obj(), deep(300, "[", "", "]"))),
		j("number-nan", "§2: NaN: json-c reads it as a number, yajl rejects it.", jsonWith(badBase().obj(), `"x-extra": NaN`)),
		j("number-infinity", "§2: Infinity: json-c reads it as a number.", jsonWith(badBase().obj(), `"x-extra": Infinity`)),
		j("number-minus-infinity", "§2: -Infinity: json-c reads it as a number.", jsonWith(badBase().obj(), `"x-extra": -Infinity`)),
		j("number-lowercase-nan", "§2: nan: no parser reads it.", jsonWith(badBase().obj(), `"x-extra": nan`)),
		j("number-empty-fraction", "§2: 1. (a decimal point without digits): json-c accepts it.", jsonWith(badBase().obj(), `"x-extra": 1.`)),
		j("number-empty-fraction-exponent", "§2: 1.e5: json-c accepts it.", jsonWith(badBase().obj(), `"x-extra": 1.e5`)),
		j("number-uint64-max", "§2: 18446744073709551615, the largest 64-bit unsigned integer: accepted.",
			jsonWith(badBase().obj(), `"x-extra": 18446744073709551615`)),
		j("number-uint64-overflow", "§2: 18446744073709551616: json-c rejects an integer beyond 64 bits, yajl does not.",
			jsonWith(badBase().obj(), `"x-extra": 18446744073709551616`)),
		j("number-int64-underflow", "§2: -9223372036854775809: json-c rejects an integer below -2^63.",
			jsonWith(badBase().obj(), `"x-extra": -9223372036854775809`)),
		j("number-big-float", "§2: a float with 30 digits: accepted.", jsonWith(badBase().obj(), `"x-extra": 123456789012345678901234567890.5`)),
		j("utf8-overlong", "§2: an overlong form (0xc0 0xaf) in the description: yajl and 12.8 check lead and continuation bytes only; 11.3 rejects it.",
			strings.Replace(string(jsonWith(badBase().obj())), "would win if accepted", "would win À¯ if accepted", 1)),
		j("utf8-valid-in-value", "§2: a valid euro sign in the description: 11.3 (json-c on Debian 13) rejects any non-ASCII byte in a string value.",
			strings.Replace(string(jsonWith(badBase().obj())), "would win if accepted", "would win \u20ac if accepted", 1)),
		j("utf8-valid-in-key", "§2: a valid non-ASCII member name: every release accepts it.", jsonWith(badBase().obj(), "\"x-\u00e9\U0001F600\": 1")),
		j("utf8-escaped-in-value", "§2: the euro sign escaped (\\u20ac) in the description: accepted.",
			strings.Replace(string(jsonWith(badBase().obj())), "would win if accepted", `would win € if accepted`, 1)),
		j("space-form-feed", "§2: a form feed between members: yajl reads it as white space, json-c does not.",
			jsonWith(badBase().obj(), "\f\"x-extra\": 1")),
		j("space-vertical-tab", "§2: a vertical tab between members: yajl reads it as white space.",
			jsonWith(badBase().obj(), "\v\"x-extra\": 1")),
		j("whitespace-only", "§2: a file of white space only is not empty: not a mask, and not JSON.", "\n  \n"),
		j("trailing-value", "§2: a second value after the document.", string(jsonWith(badBase().obj()))+"{}\n"),
		j("number-leading-zero", "§2: the number 01.", jsonWith(badBase().obj(), `"x-extra": 01`)),
		j("number-huge-exponent", "§2: the number 1e400, out of a double's range: accepted.", jsonWith(badBase().obj(), `"x-extra": 1e400`)),
		j("literal-capital", "§2: the literal True.", jsonWith(badBase().obj(), `"x-extra": True`)),
		j("single-quotes", "§2: a single-quoted string.", jsonWith(badBase().obj(), `"x-extra": 'a'`)),
		j("raw-tab-in-string", "§2: a tab character inside a string.",
			strings.Replace(string(jsonWith(badBase().obj())), "would win if accepted", "would win\tif accepted", 1)),
		j("hex-escape", "§2: the escape \\x41.",
			strings.Replace(string(jsonWith(badBase().obj())), "would win if accepted", `would win \x41 if accepted`, 1)),
	}
}

// jsonWith renders o as a descriptor file with members, raw JSON text, added
// after its last member.
func jsonWith(o obj, members ...string) []byte {
	s := strings.TrimSuffix(string(render(o)), "\n}\n")
	for _, m := range members {
		s += ",\n    " + m
	}
	return []byte(s + "\n}\n")
}
