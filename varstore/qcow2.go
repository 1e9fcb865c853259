package varstore

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// Limits on what a qcow2 container may ask of the reader.
const (
	// MaxVirtualSize is the largest image a container may hold. Flash
	// images are at most 64 MiB (AAVMF); four times that leaves room.
	MaxVirtualSize = 128 << 20
	// MaxL2Cache is how many L2 tables a qcow2 reader keeps.
	MaxL2Cache = 16
)

var qcow2Magic = []byte{'Q', 'F', 'I', 0xfb}

// qcow2 incompatible feature bits (docs/interop/qcow2.txt).
const (
	incDirty       = 1 << 0
	incCorrupt     = 1 << 1
	incExternal    = 1 << 2
	incCompression = 1 << 3
	incExtendedL2  = 1 << 4
)

// qcow2Image reads the guest view of a qcow2 file: an io.ReaderAt of
// virtual size bytes. Unallocated clusters read as zero (a backing file is
// refused when opening).
type qcow2Image struct {
	file        string
	r           io.ReaderAt
	fileSize    int64
	version     uint32
	clusterBits uint
	clusterSize int64
	virtSize    int64
	l1          []uint64
	l1Offset    int64
	l2          map[int64][]uint64
	l2order     []int64
	z           *inflater // from inflaters once a compressed cluster is read; release returns it
	zoff        int64     // host offset of the cluster in z.out, -1 if none
	// inflated counts decompressed bytes; a reader never inflates more
	// than twice the virtual size (hostile tables could otherwise make
	// every read inflate a cluster again).
	inflated int64
}

const (
	l2OffsetMask   = 0x00fffffffffffe00 // bits 9-55
	flagCompressed = 1 << 62
	flagZero       = 1
)

// openQcow2 reads the header and, unless headerOnly, the L1 table.
func openQcow2(file string, r io.ReaderAt, size int64, headerOnly bool) (*qcow2Image, error) {
	hdr := make([]byte, 112)
	n, err := r.ReadAt(hdr, 0)
	if n < 72 {
		if err == nil || err == io.EOF {
			return nil, errorf(file, "qcow2", int64(n), "truncated header (%d bytes of at least 72)", n)
		}
		return nil, errorf(file, "qcow2", 0, "%v", err)
	}
	hdr = hdr[:n]
	be := binary.BigEndian
	q := &qcow2Image{file: file, r: r, fileSize: size, l2: map[int64][]uint64{}, zoff: -1}
	q.version = be.Uint32(hdr[4:])
	if q.version != 2 && q.version != 3 {
		return nil, errorf(file, "qcow2", 4, "unsupported version %d (only 2 and 3 exist)", q.version)
	}
	if be.Uint64(hdr[8:]) != 0 || be.Uint32(hdr[16:]) != 0 {
		return nil, errorf(file, "qcow2", 8, "the image has a backing file: only its own clusters are here, refusing to guess the rest")
	}
	cb := be.Uint32(hdr[20:])
	if cb < 9 || cb > 21 {
		return nil, errorf(file, "qcow2", 20, "cluster_bits %d outside 9..21", cb)
	}
	q.clusterBits = uint(cb)
	q.clusterSize = 1 << cb
	vs := be.Uint64(hdr[24:])
	if vs > MaxVirtualSize {
		return nil, errorf(file, "qcow2", 24, "virtual size %d is larger than %d, more than any flash image", vs, MaxVirtualSize)
	}
	q.virtSize = int64(vs)
	if m := be.Uint32(hdr[32:]); m != 0 {
		return nil, errorf(file, "qcow2", 32, "the image is encrypted (crypt_method %d)", m)
	}
	if q.version == 3 {
		if n < 104 {
			return nil, errorf(file, "qcow2", int64(n), "truncated version 3 header (%d bytes of at least 104)", n)
		}
		inc := be.Uint64(hdr[72:])
		switch {
		case inc&incExternal != 0:
			return nil, errorf(file, "qcow2", 72, "the image keeps its data in an external data file")
		case inc&incExtendedL2 != 0:
			return nil, errorf(file, "qcow2", 72, "the image uses extended L2 entries (subclusters), which this reader does not support")
		case inc&incCorrupt != 0:
			return nil, errorf(file, "qcow2", 72, "the image is marked corrupt by QEMU")
		case inc&^(incDirty|incCompression) != 0:
			return nil, errorf(file, "qcow2", 72, "unknown incompatible features %#x", inc&^(incDirty|incCompression))
		}
		hlen := be.Uint32(hdr[100:])
		if hlen < 104 || int64(hlen) > size {
			return nil, errorf(file, "qcow2", 100, "header_length %d outside 104..file size", hlen)
		}
		if inc&incCompression != 0 {
			if hlen < 105 || n < 105 {
				return nil, errorf(file, "qcow2", 100, "compression type bit set but the header has no compression_type field")
			}
			if ct := hdr[104]; ct != 0 {
				return nil, errorf(file, "qcow2", 104, "compression type %d (zstd) is not supported; only deflate is", ct)
			}
		}
	}
	if headerOnly {
		return q, nil
	}
	l1Size := be.Uint32(hdr[36:])
	l2Bits := q.clusterBits - 3
	need := (q.virtSize + (1 << (q.clusterBits + l2Bits)) - 1) >> (q.clusterBits + l2Bits)
	if int64(l1Size) < need {
		return nil, errorf(file, "qcow2", 36, "l1_size %d too small for virtual size %d (needs %d)", l1Size, q.virtSize, need)
	}
	q.l1Offset = int64(be.Uint64(hdr[40:]))
	if q.l1Offset <= 0 || q.l1Offset%q.clusterSize != 0 {
		return nil, errorf(file, "qcow2", 40, "l1_table_offset %#x is not a cluster boundary", q.l1Offset)
	}
	// Only the entries the virtual size needs are read; need is bounded by
	// MaxVirtualSize.
	if q.l1Offset > size || need*8 > size-q.l1Offset {
		return nil, errorf(file, "qcow2", 40, "L1 table at %#x (%d entries needed) runs past the end of the file (%d bytes)", q.l1Offset, need, size)
	}
	buf := make([]byte, need*8)
	if _, err := r.ReadAt(buf, q.l1Offset); err != nil {
		return nil, errorf(file, "qcow2", q.l1Offset, "reading L1 table: %v", err)
	}
	q.l1 = make([]uint64, need)
	for i := range q.l1 {
		q.l1[i] = be.Uint64(buf[i*8:])
		if q.l1[i]&^(l2OffsetMask|1<<63) != 0 {
			return nil, errorf(file, "qcow2", q.l1Offset+int64(i)*8, "L1 entry %d has reserved bits set (%#x)", i, q.l1[i])
		}
	}
	return q, nil
}

// Size is the virtual size.
func (q *qcow2Image) Size() int64 { return q.virtSize }

// An inflater decompresses clusters: a flate reader (a 32 KiB window and
// Huffman tables, which Reset reuses), its input and output buffers.
type inflater struct {
	zr  io.ReadCloser
	src bytes.Reader
	in  []byte // compressed bytes of the cluster
	out []byte // the last cluster inflated through it
}

// inflaters keeps inflaters between images.
var inflaters sync.Pool

// release returns the reader's inflater to inflaters; q must not read
// compressed clusters afterwards.
func (q *qcow2Image) release() {
	if q.z != nil {
		q.z.src.Reset(nil)
		inflaters.Put(q.z)
		q.z, q.zoff = nil, -1
	}
}

// l2Table returns the entries of L2 table i the virtual size reaches (the
// last table of a small image is mostly unused: only those entries are
// read).
func (q *qcow2Image) l2Table(i int) ([]uint64, error) {
	off := int64(q.l1[i] & l2OffsetMask)
	if off == 0 {
		return nil, nil
	}
	if t, ok := q.l2[off]; ok {
		return t, nil
	}
	at := q.l1Offset + int64(i)*8
	if off%q.clusterSize != 0 {
		return nil, errorf(q.file, "qcow2", at, "L1 entry %d points to %#x, not a cluster boundary", i, off)
	}
	if off > q.fileSize-q.clusterSize {
		return nil, errorf(q.file, "qcow2", at, "L1 entry %d points to %#x, past the end of the file (%d bytes)", i, off, q.fileSize)
	}
	l2Entries := q.clusterSize / 8
	clusters := (q.virtSize + q.clusterSize - 1) >> q.clusterBits
	n := min(l2Entries, clusters-int64(i)*l2Entries)
	buf := make([]byte, n*8)
	if _, err := q.r.ReadAt(buf, off); err != nil {
		return nil, errorf(q.file, "qcow2", off, "reading L2 table: %v", err)
	}
	t := make([]uint64, n)
	for j := range t {
		t[j] = binary.BigEndian.Uint64(buf[j*8:])
	}
	if len(q.l2order) >= MaxL2Cache {
		delete(q.l2, q.l2order[0])
		q.l2order = q.l2order[1:]
	}
	q.l2[off] = t
	q.l2order = append(q.l2order, off)
	return t, nil
}

// ReadAt reads the guest view. Reads past the virtual size return io.EOF.
func (q *qcow2Image) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= q.virtSize {
			return n, io.EOF
		}
		inCluster := pos & (q.clusterSize - 1)
		chunk := min(int64(len(p)-n), q.clusterSize-inCluster, q.virtSize-pos)
		dst := p[n : n+int(chunk)]
		if err := q.readCluster(dst, pos, inCluster); err != nil {
			return n, err
		}
		n += int(chunk)
	}
	return n, nil
}

func (q *qcow2Image) readCluster(dst []byte, pos, inCluster int64) error {
	l2Entries := q.clusterSize / 8
	cl := pos >> q.clusterBits
	i := int(cl / l2Entries)
	t, err := q.l2Table(i)
	if err != nil {
		return err
	}
	if t == nil {
		clear(dst)
		return nil
	}
	j := cl % l2Entries
	e := t[j]
	entryAt := int64(q.l1[i]&l2OffsetMask) + j*8
	if e&flagCompressed != 0 {
		return q.readCompressed(dst, e, inCluster, entryAt)
	}
	if e&flagZero != 0 && q.version == 3 {
		clear(dst)
		return nil
	}
	host := int64(e & l2OffsetMask)
	if e&^(l2OffsetMask|1<<63|flagZero) != 0 {
		return errorf(q.file, "qcow2", entryAt, "L2 entry has reserved bits set (%#x)", e)
	}
	if host == 0 {
		clear(dst)
		return nil
	}
	if host%q.clusterSize != 0 {
		return errorf(q.file, "qcow2", entryAt, "L2 entry points to %#x, not a cluster boundary", host)
	}
	if host > q.fileSize-q.clusterSize {
		// QEMU reads the tail of a file that ends inside its last cluster
		// as zeros; so do we, but a cluster that starts past the end is
		// broken.
		if host >= q.fileSize {
			return errorf(q.file, "qcow2", entryAt, "L2 entry points to %#x, past the end of the file (%d bytes)", host, q.fileSize)
		}
	}
	m, err := q.r.ReadAt(dst, host+inCluster)
	if err != nil && err != io.EOF {
		return errorf(q.file, "qcow2", host+inCluster, "reading data cluster: %v", err)
	}
	clear(dst[m:])
	return nil
}

func (q *qcow2Image) readCompressed(dst []byte, e uint64, inCluster, entryAt int64) error {
	x := 62 - (q.clusterBits - 8)
	host := int64(e & (1<<x - 1))
	if host != q.zoff {
		sectors := int64((e>>x)&(1<<(62-x)-1)) + 1
		csize := sectors*512 - host&511
		if host >= q.fileSize {
			return errorf(q.file, "qcow2", entryAt, "compressed cluster at %#x is past the end of the file (%d bytes)", host, q.fileSize)
		}
		csize = min(csize, q.fileSize-host, 2*q.clusterSize+512)
		if q.z == nil {
			q.z, _ = inflaters.Get().(*inflater)
			if q.z == nil {
				q.z = new(inflater)
			}
		}
		z := q.z
		if int64(cap(z.in)) < csize {
			z.in = make([]byte, csize)
		}
		in := z.in[:csize]
		m, err := q.r.ReadAt(in, host)
		if err != nil && err != io.EOF {
			return errorf(q.file, "qcow2", host, "reading compressed cluster: %v", err)
		}
		q.inflated += q.clusterSize
		if q.inflated > 2*q.virtSize+4*q.clusterSize {
			return errorf(q.file, "qcow2", entryAt, "compressed clusters inflate to more than twice the virtual size: the tables share clusters in a way QEMU never writes")
		}
		z.src.Reset(in[:m])
		if z.zr == nil {
			z.zr = flate.NewReader(&z.src)
		} else if err := z.zr.(flate.Resetter).Reset(&z.src, nil); err != nil {
			return errorf(q.file, "qcow2", host, "%v", err)
		}
		// A read of the whole cluster inflates into dst; a part of one
		// goes through z.out, which keeps the cluster for the next read.
		direct := inCluster == 0 && int64(len(dst)) == q.clusterSize
		out := dst
		if !direct {
			if int64(cap(z.out)) < q.clusterSize {
				z.out = make([]byte, q.clusterSize)
			}
			out = z.out[:q.clusterSize]
		}
		q.zoff = -1
		if _, err := io.ReadFull(z.zr, out); err != nil {
			return errorf(q.file, "qcow2", host, "compressed cluster does not inflate to %d bytes: %v", q.clusterSize, err)
		}
		if direct {
			return nil
		}
		q.zoff = host
	}
	copy(dst, q.z.out[inCluster:q.clusterSize])
	return nil
}

// blank reports whether the image reads as one repeated byte (0x00 or
// 0xff) without touching unallocated clusters: cost in L2 entries and
// allocated clusters, not in virtual size.
func (q *qcow2Image) blank() (bool, error) {
	l2Entries := q.clusterSize / 8
	fill := -1
	sawZero := false
	buf := make([]byte, q.clusterSize)
	for i := range q.l1 {
		t, err := q.l2Table(i)
		if err != nil {
			return false, err
		}
		for j := int64(0); j < l2Entries; j++ {
			pos := (int64(i)*l2Entries + j) << q.clusterBits
			if pos >= q.virtSize {
				break
			}
			if t == nil || t[j] == 0 || (q.version == 3 && t[j]&flagCompressed == 0 && t[j]&flagZero != 0) {
				sawZero = true
				if fill > 0 {
					return false, nil
				}
				continue
			}
			n := min(q.clusterSize, q.virtSize-pos)
			if _, err := q.ReadAt(buf[:n], pos); err != nil {
				return false, err
			}
			if fill < 0 {
				fill = int(buf[0])
				if (fill != 0 && fill != 0xff) || (sawZero && fill != 0) {
					return false, nil
				}
			}
			if bytes.Count(buf[:n], []byte{byte(fill)}) != int(n) {
				return false, nil
			}
		}
		if t == nil {
			sawZero = true
		}
	}
	return true, nil
}
