package main

import "strings"

// §1 discovery: names with a space, a leading dash or non-ASCII bytes, very
// long names, an upper-case suffix. (A real directory among the descriptors
// cannot be written in a case file; disc-symlink-to-directory stands for it.)
func nameCases() []Case {
	plain := usr("50-plain.json", plainD())
	sb := sbOnly()
	d := func(name, about string, files ...F) Case {
		return Case{Name: "disc-" + name, About: about, Tags: tags("discovery names"), Files: append(files, plain)}
	}
	long := "1" + strings.Repeat("a", 239) + ".json"
	return []Case{
		d("name-space-sorts-first", "§1.3: '1 sb.json': a space (0x20) sorts before the digits.", usr("1 sb.json", sb), usr("10-sb.json", sb.paths(x86+"CODE.secboot.fd", x86+"VARS.ms.fd"))),
		{Name: "disc-name-utf8-sorts-after-ascii", About: "§1.3: 'é-sb.json' (0xc3 0xa9) sorts after 'z-sb.json' (and both after 50-plain.json, which is absent).",
			Tags: tags("discovery names"), Files: []F{usr("é-sb.json", sb), usr("z-sb.json", sb.paths(x86+"CODE.secboot.fd", x86+"VARS.ms.fd"))}},
		d("name-leading-dash", "§1.3: '-sb.json' sorts before the digits.", usr("-sb.json", sb)),
		d("name-240-bytes", "§1.2: a 245-byte name (1aaa…) is read like any other.", usr(long, sb)),
		d("name-uppercase-suffix", "§1.2: '10-sb.JSON': the suffix is not checked.", usr("10-sb.JSON", sb)),
	}
}
