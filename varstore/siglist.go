package varstore

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Signature is one entry of an EFI_SIGNATURE_LIST.
type Signature struct {
	// Type names the list's signature type ("x509", "sha256", ...), or
	// "unknown"; TypeGUID is the GUID itself.
	Type     string
	TypeGUID GUID
	Owner    GUID
	// Cert is set for x509 entries.
	Cert *Cert
	// Hash is the hex of the data of hash entries (sha256, ...).
	Hash string
	// Offset of the entry (its owner GUID) in the variable's data.
	Offset int64
}

// Cert describes one X.509 certificate of a signature list.
type Cert struct {
	Subject    string
	Issuer     string
	CommonName string
	Serial     string // hex
	NotBefore  time.Time
	NotAfter   time.Time
	// SHA256 is the hex SHA-256 of the DER encoding; it identifies
	// well-known certificates.
	SHA256 string
	// Known is the well-known certificate it is, if any.
	Known *KnownCert
	// Err says why the DER does not parse as a certificate (then only
	// SHA256 and Known are set).
	Err string
	DER []byte
}

// Expired reports whether the certificate is not valid at t (after its
// NotAfter). An unparsable certificate counts as expired.
func (c *Cert) Expired(t time.Time) bool {
	return c.Err != "" || t.After(c.NotAfter)
}

// Label is the name to show: the well-known name or the common name or
// subject.
func (c *Cert) Label() string {
	switch {
	case c.Known != nil:
		return c.Known.Name
	case c.CommonName != "":
		return c.CommonName
	case c.Subject != "":
		return c.Subject
	}
	return "certificate " + c.SHA256[:16]
}

// signature list limits
const (
	sigListHeader = 28
	maxSignatures = 1 << 16
)

// ParseSignatureLists reads the EFI_SIGNATURE_LIST sequence of a PK, KEK,
// db or dbx value. Offsets in errors (*Error with Layer "siglist") and in
// the entries are relative to data; file names the file in errors and base
// is added to error offsets (the data's offset in the image, or 0).
func ParseSignatureLists(file string, data []byte, base int64) ([]Signature, error) {
	le := binary.LittleEndian
	var out []Signature
	pos := 0
	for pos < len(data) {
		if len(data)-pos < sigListHeader {
			return out, errorf(file, "siglist", base+int64(pos), "%d bytes left, too few for a signature list header", len(data)-pos)
		}
		typ := GUID(data[pos : pos+16])
		listSize := le.Uint32(data[pos+16:])
		hdrSize := le.Uint32(data[pos+20:])
		sigSize := le.Uint32(data[pos+24:])
		if uint64(listSize) > uint64(len(data)-pos) || listSize < sigListHeader {
			return out, errorf(file, "siglist", base+int64(pos)+16, "list size %d does not fit the %d bytes left", listSize, len(data)-pos)
		}
		body := uint64(listSize) - sigListHeader
		if uint64(hdrSize) > body {
			return out, errorf(file, "siglist", base+int64(pos)+20, "header size %d larger than the list body (%d bytes)", hdrSize, body)
		}
		body -= uint64(hdrSize)
		if sigSize <= 16 || body%uint64(sigSize) != 0 {
			return out, errorf(file, "siglist", base+int64(pos)+24, "signature size %d does not divide the %d bytes of signatures (and must exceed the 16-byte owner)", sigSize, body)
		}
		name, ok := sigTypeNames[typ]
		if !ok {
			name = "unknown"
		}
		at := pos + sigListHeader + int(hdrSize)
		count := body / uint64(sigSize)
		out = slices.Grow(out, int(min(count, uint64(maxSignatures-len(out)))))
		// The hex of a list's hash entries is one string, sliced: a dbx
		// holds hundreds of them.
		var hexes string
		if typ != CertX509 {
			var sb strings.Builder
			sb.Grow(int(count) * 2 * (int(sigSize) - 16))
			var tmp [128]byte
			for i := range int(count) {
				e := data[at+i*int(sigSize)+16 : at+(i+1)*int(sigSize)]
				for len(e) > 0 {
					n := min(len(e), len(tmp)/2)
					hex.Encode(tmp[:], e[:n])
					sb.Write(tmp[:2*n])
					e = e[n:]
				}
			}
			hexes = sb.String()
		}
		hexLen := 2 * (int(sigSize) - 16)
		for i := range int(count) {
			if len(out) >= maxSignatures {
				return out, errorf(file, "siglist", base+int64(at), "more than %d signatures", maxSignatures)
			}
			e := data[at : at+int(sigSize)]
			s := Signature{Type: name, TypeGUID: typ, Owner: GUID(e[:16]), Offset: int64(at)}
			switch {
			case typ == CertX509:
				s.Cert = parseCert(e[16:])
			default:
				s.Hash = hexes[i*hexLen : (i+1)*hexLen]
			}
			out = append(out, s)
			at += int(sigSize)
		}
		pos += int(listSize)
	}
	return out, nil
}

func parseCert(der []byte) *Cert {
	sum := sha256.Sum256(der)
	c := &Cert{SHA256: hex.EncodeToString(sum[:]), DER: der}
	if k, ok := LookupKnown(c.SHA256); ok {
		c.Known = &k
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		c.Err = err.Error()
		return c
	}
	c.Subject = x.Subject.String()
	c.Issuer = x.Issuer.String()
	c.CommonName = x.Subject.CommonName
	if x.SerialNumber != nil {
		c.Serial = serialHex(x.SerialNumber)
	}
	c.NotBefore, c.NotAfter = x.NotBefore.UTC(), x.NotAfter.UTC()
	return c
}

func serialHex(n *big.Int) string {
	if n.Sign() < 0 {
		return "-" + hex.EncodeToString(new(big.Int).Neg(n).Bytes())
	}
	b := n.Bytes()
	if len(b) == 0 {
		return "00"
	}
	return hex.EncodeToString(b)
}

// KeyDB is one Secure Boot variable and its parsed entries.
type KeyDB struct {
	Name    string // "PK", "KEK", "db", "dbx"
	Present bool
	Entries []Signature
	// Err is set when the value does not parse; Entries then holds what
	// came before the problem.
	Err error
}

// Certs returns the certificates of the variable.
func (k *KeyDB) Certs() []*Cert {
	var out []*Cert
	for _, s := range k.Entries {
		if s.Cert != nil {
			out = append(out, s.Cert)
		}
	}
	return out
}

// Has reports whether the variable holds the well-known certificate id.
func (k *KeyDB) Has(id string) bool {
	for _, c := range k.Certs() {
		if c.Known != nil && c.Known.ID == id {
			return true
		}
	}
	return false
}

// AllExpired reports whether the variable holds certificates and all of
// them are expired at t.
func (k *KeyDB) AllExpired(t time.Time) bool {
	cs := k.Certs()
	if len(cs) == 0 {
		return false
	}
	for _, c := range cs {
		if !c.Expired(t) {
			return false
		}
	}
	return true
}

// SecureBoot is the Secure Boot configuration a store holds.
type SecureBoot struct {
	PK, KEK, DB, DBX KeyDB
	// SetupMode is true when no PK is enrolled: the firmware then accepts
	// any key and enforces nothing. (edk2 derives the volatile SetupMode
	// and SecureBoot variables from PK at boot; a store holds neither.)
	SetupMode bool
	// SecureBootEnable is edk2's SecureBootEnable variable: nil when the
	// store has none (edk2 then enables Secure Boot once a PK is enrolled).
	SecureBootEnable *bool
	// CustomMode is edk2's CustomMode variable (true: physical presence
	// mode allowing key changes without signatures).
	CustomMode bool
	// Enabled is what SecureBoot reads at boot: a PK is enrolled and
	// SecureBootEnable does not say otherwise.
	Enabled bool
}

// DBs returns PK, KEK, db and dbx in that order.
func (sb *SecureBoot) DBs() []*KeyDB { return []*KeyDB{&sb.PK, &sb.KEK, &sb.DB, &sb.DBX} }

// Enrolled reports whether PK, KEK and db all hold entries.
func (sb *SecureBoot) Enrolled() bool {
	return len(sb.PK.Entries) > 0 && len(sb.KEK.Entries) > 0 && len(sb.DB.Entries) > 0
}

// SecureBoot reads the Secure Boot variables of the image. Problems with
// one variable's value are recorded in its KeyDB.Err, not returned.
func (img *Image) SecureBoot() *SecureBoot {
	sb := &SecureBoot{}
	for _, x := range []struct {
		k    *KeyDB
		name string
		ns   GUID
	}{{&sb.PK, "PK", GlobalVariable}, {&sb.KEK, "KEK", GlobalVariable}, {&sb.DB, "db", ImageSecurityDatabase}, {&sb.DBX, "dbx", ImageSecurityDatabase}} {
		x.k.Name = x.name
		v, ok := img.Lookup(x.name, x.ns)
		if !ok {
			continue
		}
		x.k.Present = true
		base := v.DataOffset
		if base < 0 {
			base = v.JSONOffset
		}
		x.k.Entries, x.k.Err = ParseSignatureLists(img.File, v.Data, max(base, 0))
		if x.k.Err != nil {
			x.k.Err = fmt.Errorf("%s: %w", x.name, x.k.Err)
		}
	}
	sb.SetupMode = len(sb.PK.Entries) == 0
	if v, ok := img.Lookup("SecureBootEnable", SecureBootEnableDisable); ok && len(v.Data) > 0 {
		on := v.Data[0] != 0
		sb.SecureBootEnable = &on
	}
	if v, ok := img.Lookup("CustomMode", CustomModeEnable); ok && len(v.Data) > 0 {
		sb.CustomMode = v.Data[0] == 1
	}
	sb.Enabled = !sb.SetupMode && (sb.SecureBootEnable == nil || *sb.SecureBootEnable)
	return sb
}
