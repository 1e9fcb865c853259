package varstore

import (
	"slices"
	"strings"
)

// Role is what a well-known certificate is for.
type Role string

// Roles of well-known certificates.
const (
	RoleMicrosoftKEK Role = "microsoft-kek"    // signs db/dbx updates
	RoleWindowsCA    Role = "windows-ca"       // signs Windows boot managers
	RoleUEFICA       Role = "uefi-ca"          // signs third-party loaders: shim, ...
	RoleOptionROMCA  Role = "option-rom-ca"    // signs option ROMs (GPU, NIC firmware)
	RolePlatformKey  Role = "distribution-key" // a distribution's own PK/KEK
	RoleTestKey      Role = "test-key"         // a published test key: no security
)

// KnownCert is a well-known Secure Boot certificate, identified by the
// SHA-256 of its DER encoding.
type KnownCert struct {
	ID     string `json:"id"`     // stable: "ms-kek-2011", ...
	Name   string `json:"name"`   // the certificate's common name
	Vendor string `json:"vendor"` // "Microsoft", "Debian", ...
	Year   int    `json:"year"`   // the CA generation for Microsoft's (2011, 2023)
	Role   Role   `json:"role"`
	SHA256 string `json:"sha256"`
	// Successor is the ID of the certificate that replaces this one.
	Successor []string `json:"successor,omitempty"`
}

// The table is data: each entry was read from a real template (see
// testdata/README.md) and its digest checked with openssl.
var known = []KnownCert{
	{ID: "ms-kek-2011", Name: "Microsoft Corporation KEK CA 2011", Vendor: "Microsoft", Year: 2011, Role: RoleMicrosoftKEK,
		SHA256: "a1117f516a32cefcba3f2d1ace10a87972fd6bbe8fe0d0b996e09e65d802a503", Successor: []string{"ms-kek-2023"}},
	{ID: "ms-kek-2023", Name: "Microsoft Corporation KEK 2K CA 2023", Vendor: "Microsoft", Year: 2023, Role: RoleMicrosoftKEK,
		SHA256: "3cd3f0309edae228767a976dd40d9f4affc4fbd5218f2e8cc3c9dd97e8ac6f9d"},
	{ID: "ms-windows-pca-2011", Name: "Microsoft Windows Production PCA 2011", Vendor: "Microsoft", Year: 2011, Role: RoleWindowsCA,
		SHA256: "e8e95f0733a55e8bad7be0a1413ee23c51fcea64b3c8fa6a786935fddcc71961", Successor: []string{"ms-windows-uefi-ca-2023"}},
	{ID: "ms-windows-uefi-ca-2023", Name: "Windows UEFI CA 2023", Vendor: "Microsoft", Year: 2023, Role: RoleWindowsCA,
		SHA256: "076f1fea90ac29155ebf77c17682f75f1fdd1be196da302dc8461e350a9ae330"},
	{ID: "ms-uefi-ca-2011", Name: "Microsoft Corporation UEFI CA 2011", Vendor: "Microsoft", Year: 2011, Role: RoleUEFICA,
		SHA256: "48e99b991f57fc52f76149599bff0a58c47154229b9f8d603ac40d3500248507", Successor: []string{"ms-uefi-ca-2023", "ms-option-rom-ca-2023"}},
	{ID: "ms-uefi-ca-2023", Name: "Microsoft UEFI CA 2023", Vendor: "Microsoft", Year: 2023, Role: RoleUEFICA,
		SHA256: "f6124e34125bee3fe6d79a574eaa7b91c0e7bd9d929c1a321178efd611dad901"},
	{ID: "ms-option-rom-ca-2023", Name: "Microsoft Option ROM UEFI CA 2023", Vendor: "Microsoft", Year: 2023, Role: RoleOptionROMCA,
		SHA256: "e5be3e64c6e66a281457ecdece0d6d0787577aad2a3a0144262c10c14ba8d8f1"},
	{ID: "debian-pk-kek", Name: "Debian UEFI Secure Boot (PK/KEK key)", Vendor: "Debian", Role: RolePlatformKey,
		SHA256: "5fb05ed84c5170d542ed6a7b7487dd57b8faedb02f7e107b0409e1d22cac4169"},
	{ID: "ubuntu-pk-kek", Name: "Ubuntu OVMF Secure Boot (PK/KEK key)", Vendor: "Ubuntu", Role: RolePlatformKey,
		SHA256: "258c6e9c3b21a5d7f121636070127d4194d1b66c2bd67dbaa734d34fa8147b17"},
	{ID: "snakeoil-2020", Name: "SnakeOil (edk2 2022 test key, no CN)", Vendor: "Debian", Role: RoleTestKey,
		SHA256: "282e8130b7070f107aaecc25d3992ca4440270860b09088792a5075fab0d13f8"},
	{ID: "snakeoil-2023", Name: "SnakeOil Test Key for EFI Secure Boot", Vendor: "Debian", Role: RoleTestKey,
		SHA256: "5e2a886d7d56dc918f16806366d4c2e1c0de23a6f1026ba5df14f0370f0e19a0"},
}

// Known returns the table of well-known certificates.
func Known() []KnownCert { return slices.Clone(known) }

// LookupKnown finds a well-known certificate by the hex SHA-256 of its DER
// (either case).
func LookupKnown(sha string) (KnownCert, bool) {
	sha = strings.ToLower(sha)
	for _, k := range known {
		if k.SHA256 == sha {
			return k, true
		}
	}
	return KnownCert{}, false
}

func knownByID(id string) KnownCert {
	for _, k := range known {
		if k.ID == id {
			return k
		}
	}
	panic("varstore: unknown well-known certificate " + id)
}

// Gap is a Secure Boot variable holding a Microsoft 2011 CA without its
// 2023 successor.
type Gap struct {
	Var     string      `json:"var"`     // "KEK" or "db"
	Has     []KnownCert `json:"has"`     // the 2011 certificates it holds
	Missing []KnownCert `json:"missing"` // their successors it lacks
}

// Missing2023 reports, for KEK and db, the Microsoft 2011 CAs whose 2023
// successors are not enrolled. A variable without 2011 CAs has no gap: a
// store with only the distribution's own keys is not Microsoft's business.
func (sb *SecureBoot) Missing2023() []Gap {
	var out []Gap
	for _, k := range []*KeyDB{&sb.KEK, &sb.DB} {
		var g Gap
		for _, c := range k.Certs() {
			if c.Known == nil || c.Known.Vendor != "Microsoft" || c.Known.Year != 2011 {
				continue
			}
			g.Has = append(g.Has, *c.Known)
			for _, s := range c.Known.Successor {
				if !k.Has(s) && !slices.ContainsFunc(g.Missing, func(m KnownCert) bool { return m.ID == s }) {
					g.Missing = append(g.Missing, knownByID(s))
				}
			}
		}
		if len(g.Missing) > 0 {
			g.Var = k.Name
			out = append(out, g)
		}
	}
	return out
}

// HasMicrosoft2023 reports whether KEK and db hold the Microsoft 2023 KEK
// and at least one 2023 db CA.
func (sb *SecureBoot) HasMicrosoft2023() bool {
	return sb.KEK.Has("ms-kek-2023") && (sb.DB.Has("ms-windows-uefi-ca-2023") || sb.DB.Has("ms-uefi-ca-2023"))
}
