package varstore

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// GUID is an EFI GUID in its on-disk byte order (the first three fields
// little-endian).
type GUID [16]byte

// String formats g the usual way, e.g. "8be4df61-93ca-11d2-aa0d-00e098032b8c".
func (g GUID) String() string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(g[0:4]),
		binary.LittleEndian.Uint16(g[4:6]), binary.LittleEndian.Uint16(g[6:8]), g[8:10], g[10:16])
}

// MarshalText formats g as String does.
func (g GUID) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// ParseGUID reads the textual form of a GUID.
func ParseGUID(s string) (GUID, error) {
	var g GUID
	parts := strings.Split(s, "-")
	if len(parts) != 5 || len(parts[0]) != 8 || len(parts[1]) != 4 || len(parts[2]) != 4 || len(parts[3]) != 4 || len(parts[4]) != 12 {
		return g, errors.New("malformed GUID " + strconvQuote(s))
	}
	b, err := hex.DecodeString(strings.Join(parts, ""))
	if err != nil {
		return g, errors.New("malformed GUID " + strconvQuote(s))
	}
	binary.LittleEndian.PutUint32(g[0:4], binaryBE32(b[0:4]))
	binary.LittleEndian.PutUint16(g[4:6], uint16(b[4])<<8|uint16(b[5]))
	binary.LittleEndian.PutUint16(g[6:8], uint16(b[6])<<8|uint16(b[7]))
	copy(g[8:], b[8:])
	return g, nil
}

func binaryBE32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

func strconvQuote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func mustGUID(s string) GUID {
	g, err := ParseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}

// GUIDs of the namespaces and types this package knows.
var (
	// GlobalVariable is EFI_GLOBAL_VARIABLE, the namespace of PK and KEK.
	GlobalVariable = mustGUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")
	// ImageSecurityDatabase is the namespace of db and dbx.
	ImageSecurityDatabase = mustGUID("d719b2cb-3d3a-4596-a3bc-dad00e67656f")
	// CustomModeEnable is edk2's namespace of CustomMode.
	CustomModeEnable = mustGUID("c076ec0c-7028-4399-a072-71ee5c448b9f")
	// SecureBootEnableDisable is edk2's namespace of SecureBootEnable.
	SecureBootEnableDisable = mustGUID("f0a30bc7-af08-4556-99c4-001009c93a44")

	// NVDataFV is the file system GUID of edk2's variable firmware volume.
	NVDataFV = mustGUID("fff12b8d-7696-4c8b-a985-2747075b4f50")
	// AuthenticatedVariableStore marks a store of authenticated variable headers.
	AuthenticatedVariableStore = mustGUID("aaf32c78-947b-439a-a180-2e144ec37792")
	// VariableStore marks a store of plain variable headers.
	VariableStore = mustGUID("ddcf3616-3275-4164-98b6-fe85707ffe7d")

	CertX509       = mustGUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")
	CertSHA256     = mustGUID("c1c41626-504c-4092-aca9-41f936934328")
	CertSHA1       = mustGUID("826ca512-cf10-4ac9-b187-be01496631bd")
	CertSHA384     = mustGUID("ff3e5307-9fd0-48c9-85f1-8ad56c701e01")
	CertSHA512     = mustGUID("093e0fae-a6c4-4f50-9f1b-d41e2b89c19a")
	CertRSA2048    = mustGUID("3c5766e8-269c-4e34-aa14-ed776e85b3b6")
	CertX509SHA256 = mustGUID("3bd2a492-96c0-4079-b420-fcf98ef103ed")
	CertX509SHA384 = mustGUID("7076876e-80c2-4ee6-aad2-28b349a6865b")
	CertX509SHA512 = mustGUID("446dbf63-2502-4cda-bcfa-2465d2b0fe9d")
)

var sigTypeNames = map[GUID]string{
	CertX509: "x509", CertSHA256: "sha256", CertSHA1: "sha1", CertSHA384: "sha384", CertSHA512: "sha512",
	CertRSA2048: "rsa2048", CertX509SHA256: "x509-sha256", CertX509SHA384: "x509-sha384", CertX509SHA512: "x509-sha512",
}
