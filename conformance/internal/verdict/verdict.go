// Package verdict compares a recorded oracle answer with fwaudit's
// prediction, the one way both the conformance suite and the live
// differential test judge agreement.
package verdict

import (
	"encoding/json"

	"github.com/fwaudit/fwaudit/matcher"
	"github.com/google/go-cmp/cmp"
)

// recorded is the part of an oracle answer that fwaudit predicts.
type recorded struct {
	OK               bool                  `json:"ok"`
	Error            *string               `json:"error"`
	Descriptor       *string               `json:"descriptor"`
	OSFirmware       *string               `json:"os_firmware"`
	FirmwareFeatures map[string]string     `json:"firmware_features"`
	Loader           *matcher.AnswerLoader `json:"loader"`
	NVRAM            *matcher.AnswerNVRAM  `json:"nvram"`
	SMM              *string               `json:"smm"`
	Kernel           *string               `json:"kernel"`
	DaemonCrashed    bool                  `json:"daemon_crashed"`
}

// Crashed reports whether the recorded answer is a libvirt daemon crash,
// which there is nothing to predict for.
func Crashed(answer []byte) (bool, error) {
	var r recorded
	err := json.Unmarshal(answer, &r)
	return r.DaemonCrashed, err
}

// Diff compares libvirt's recorded answer (the oracle's JSON) with fwaudit's
// prediction and returns a cmp.Diff (-libvirt +fwaudit), "" when they agree.
// On a failure only ok, error and the descriptor libvirt had chosen count:
// that is all libvirt's answer holds. A crashed daemon's answer is not
// compared (Diff returns "").
func Diff(answer []byte, got *matcher.Answer) (string, error) {
	var want recorded
	if err := json.Unmarshal(answer, &want); err != nil {
		return "", err
	}
	if want.DaemonCrashed {
		return "", nil
	}
	g := recorded{OK: got.OK, Error: got.Error, Descriptor: got.Descriptor, OSFirmware: got.OSFirmware,
		FirmwareFeatures: got.FirmwareFeatures, Loader: got.Loader, NVRAM: got.NVRAM, SMM: got.SMM, Kernel: got.Kernel}
	if !want.OK {
		want = recorded{OK: false, Error: want.Error, Descriptor: want.Descriptor}
		g = recorded{OK: g.OK, Error: g.Error, Descriptor: g.Descriptor}
	}
	return cmp.Diff(want, g), nil
}
