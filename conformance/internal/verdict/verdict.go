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
	Stage            *string               `json:"stage"`
	DaemonCrashed    bool                  `json:"daemon_crashed"`
	Descriptor       *string               `json:"descriptor"`
	OSFirmware       *string               `json:"os_firmware"`
	FirmwareFeatures map[string]string     `json:"firmware_features"`
	Loader           *matcher.AnswerLoader `json:"loader"`
	NVRAM            *matcher.AnswerNVRAM  `json:"nvram"`
	SMM              *string               `json:"smm"`
	Kernel           *string               `json:"kernel"`
}

// Crashed reports whether the recorded answer is a libvirt daemon crash.
func Crashed(answer []byte) (bool, error) {
	var r recorded
	err := json.Unmarshal(answer, &r)
	return r.DaemonCrashed, err
}

// Diff compares libvirt's recorded answer (the oracle's JSON) with fwaudit's
// prediction and returns a cmp.Diff (-libvirt +fwaudit), "" when they agree.
// On a failure only ok, error, stage and the descriptor libvirt had chosen
// count: that is all libvirt's answer holds. A crashed daemon's answer is
// compared as an answer: the prediction must say that the daemon crashes,
// at the same stage, after choosing the same descriptor; the error text
// (virsh's, naming a temporary file) is not compared.
func Diff(answer []byte, got *matcher.Answer) (string, error) {
	var want recorded
	if err := json.Unmarshal(answer, &want); err != nil {
		return "", err
	}
	g := recorded{OK: got.OK, Error: got.Error, Stage: got.Stage, DaemonCrashed: got.DaemonCrashed, Descriptor: got.Descriptor,
		OSFirmware: got.OSFirmware, FirmwareFeatures: got.FirmwareFeatures, Loader: got.Loader, NVRAM: got.NVRAM, SMM: got.SMM, Kernel: got.Kernel}
	switch {
	case want.DaemonCrashed:
		want = recorded{OK: false, Stage: want.Stage, DaemonCrashed: true, Descriptor: want.Descriptor}
		g = recorded{OK: g.OK, Stage: g.Stage, DaemonCrashed: g.DaemonCrashed, Descriptor: g.Descriptor}
	case !want.OK:
		want = recorded{OK: false, Error: want.Error, Stage: want.Stage, DaemonCrashed: false, Descriptor: want.Descriptor}
		g = recorded{OK: g.OK, Error: g.Error, Stage: g.Stage, DaemonCrashed: g.DaemonCrashed, Descriptor: g.Descriptor}
	default:
		want.Stage = nil
	}
	return cmp.Diff(want, g), nil
}

// startOutcome is what a start-mode answer of a release that selects at
// define is compared on: whether the define and the first start succeed,
// and libvirt's error, stage and chosen descriptor when not. (The live
// definition the start prepares is not compared.)
type startOutcome struct {
	OK            bool    `json:"ok"`
	Error         *string `json:"error"`
	Stage         *string `json:"stage"`
	DaemonCrashed bool    `json:"daemon_crashed"`
	Descriptor    *string `json:"descriptor"`
}

// DiffStart compares a start-mode answer (query.sh --mode start) of a
// release that selects at define with the start outcome fwaudit predicts:
// the define's failure, or the failure of the first start after it
// (Answer.Start), or success. It returns a cmp.Diff (-libvirt +fwaudit).
func DiffStart(answer []byte, got *matcher.Answer) (string, error) {
	var want startOutcome
	if err := json.Unmarshal(answer, &want); err != nil {
		return "", err
	}
	g := startOutcome{OK: got.OK, Error: got.Error, Stage: got.Stage, DaemonCrashed: got.DaemonCrashed, Descriptor: got.Descriptor}
	if st := got.Start; got.OK && st != nil {
		start := "start"
		g = startOutcome{OK: false, Error: st.Error, Stage: &start, DaemonCrashed: st.DaemonCrashed, Descriptor: got.Descriptor}
	}
	if want.DaemonCrashed {
		want.Error, g.Error = nil, nil
	}
	if want.OK {
		want.Stage = nil
	}
	return cmp.Diff(want, g), nil
}
