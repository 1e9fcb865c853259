// Package varstore reads UEFI variable stores as QEMU guests use them: the
// NVRAM templates distributions ship next to their firmware and the NVRAM
// files of existing guests. It understands raw flash images, qcow2 images and
// QEMU's JSON store for the host-uefi-vars device; edk2's firmware volume and
// variable store layout (authenticated and plain), including a store inside a
// combined CODE+VARS image; and the EFI_SIGNATURE_LIST contents of the Secure
// Boot variables PK, KEK, db and dbx.
//
// It is a leaf on the standard library. Every parser works on bytes or an
// io.ReaderAt with a known size; errors are *Error values naming the file and
// the byte offset, and no input makes it panic or allocate more than a bounded
// multiple of the file's size (see the Max constants).
//
// Well-known certificates (Microsoft's 2011 and 2023 CAs, the distributions'
// own platform keys) are identified by the SHA-256 of their DER encoding,
// never by the owner GUID of their signature list entry; see Known.
package varstore
