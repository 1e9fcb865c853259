#!/bin/bash
# Ask a real libvirt how it loads an EXISTING domain: one whose definition is
# already stored when the daemon starts, so that libvirt parses it without an
# ABI update (no VIR_DOMAIN_DEF_PARSE_ABI_UPDATE), as it does for every stored
# domain at start-up and as libvirt's own tests do for their abi-update=false
# cases. The shared oracle's query.sh only defines new domains; this script
# uses the same oracles (/work/shared/oracle, whose oracle-lib.sh it sources,
# read-only) and the same per-oracle lock, so it never runs at the same time
# as a query.sh of that release.
#
# usage: query.sh --libvirt {9|10|11|12} [--mode define|start] [--oracle DIR]
#                 [--define-root DEFINE_ROOT] [--keep-stored FILE] [--log] CASE_ROOT DOMAIN_XML
#
#   CASE_ROOT   root layout: CASE_ROOT/usr/share/qemu/firmware, CASE_ROOT/etc/qemu/firmware
#   DOMAIN_XML  the stored definition, written verbatim to the oracle's
#               /etc/libvirt/qemu/NAME.xml
#   --define-root DEFINE_ROOT
#               a firmware upgrade under a stored domain: DOMAIN_XML is first
#               defined (virsh define, a new domain) over the descriptors of
#               DEFINE_ROOT (same layout), so the stored definition is the one
#               that release writes (10.0 and later with its define-time
#               selection); then CASE_ROOT replaces them and the daemon
#               restart loads it. A define that fails answers "stage": "define".
#   --keep-stored FILE
#               copy the stored definition the daemon then loads to FILE (debugging)
#   --log       add "firmware_log", libvirt's reasons per descriptor (as query.sh --log)
#
#   1. stage the descriptors exactly as the oracle's query.sh does in root layout
#      (a private tmpfs over /usr/share/qemu/firmware, /etc/qemu/firmware emptied);
#   2. write DOMAIN_XML as the stored definition and restart that oracle's
#      libvirtd, which loads it as an existing domain (a failed firmware
#      selection is then not an error: libvirt keeps the domain as written);
#   3. --mode define (default for 10, 11, 12): virsh dumpxml --inactive, the
#      definition as loaded; --mode start (default for 9): virsh start, the
#      oracle's hook captures the prepared XML and aborts the start (the NVRAM
#      file is pre-created as query.sh does).
#   A stored definition the daemon refuses to load answers
#   {"ok": false, "stage": "load", "error": <the daemon's log message>}.
#
# Prints one JSON object like the oracle's query.sh (its oracle_parse.py), with
# "method": "existing-define" or "existing-start". Exit 0 whenever an answer was
# printed, 2 for usage errors, 3 when the oracle itself failed.
set -u
ORACLE=/work/shared/oracle
V="" MODE="" DEFINE_ROOT="" KEEP_STORED="" INCLUDE_LOG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --libvirt) V=$2; shift 2 ;;
    --mode) MODE=$2; shift 2 ;;
    --oracle) ORACLE=$2; shift 2 ;;
    --define-root) DEFINE_ROOT=$2; shift 2 ;;
    --keep-stored) KEEP_STORED=$2; shift 2 ;;
    --log) INCLUDE_LOG=--include-log; shift ;;
    -h|--help) sed -n '2,45p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || { echo "usage: $0 --libvirt {9|10|11|12} [--mode define|start] CASE_ROOT DOMAIN_XML" >&2; exit 2; }
DESC_DIR=$1 DOM_XML=$2
case "$V" in 9|10|11|12) ;; *) echo "--libvirt must be 9, 10, 11 or 12" >&2; exit 2 ;; esac
[ -z "$MODE" ] && { [ "$V" = 9 ] && MODE=start || MODE=define; }
case "$MODE" in define|start) ;; *) echo "--mode must be define or start" >&2; exit 2 ;; esac
[ -d "$DESC_DIR" ] || { echo "no such case root: $DESC_DIR" >&2; exit 2; }
[ -z "$DEFINE_ROOT" ] || [ -d "$DEFINE_ROOT" ] || { echo "no such define root: $DEFINE_ROOT" >&2; exit 2; }
[ -f "$DOM_XML" ] || { echo "no such domain xml: $DOM_XML" >&2; exit 2; }
# shellcheck source=/work/shared/oracle/oracle-lib.sh
. "$ORACLE/oracle-lib.sh"
PY=/usr/bin/python3
ROOT=$(oracle_root "$V")
fatal() { printf '{"libvirt":"%s","ok":false,"oracle_failure":true,"error":%s}\n' "$V" "$($PY -c 'import json,sys;print(json.dumps(sys.argv[1]))' "$*")"; exit 3; }

# the oracle's own lock: no query.sh of this release runs meanwhile
mkdir -p /run/lock
exec 8>"/run/lock/firmware-oracle-$V.lock"
flock 8

oracle_daemon_ensure "$V" || fatal "libvirtd for libvirt $V could not be started"
PKGFILE="$ROOT/run/libvirt/oracle-package-version"
[ -s "$PKGFILE" ] || oracle_exec "$V" dpkg-query -W -f='${Version}' libvirt-daemon >"$PKGFILE" 2>/dev/null
PKG=$(cat "$PKGFILE")
UPSTREAM=${PKG%%-*}

NAME=$($PY -c '
import sys, xml.etree.ElementTree as ET
n = ET.parse(sys.argv[1]).getroot().findtext("name")
print((n or "").strip())' "$DOM_XML" 2>/dev/null)
[ -n "$NAME" ] || fatal "domain XML has no <name> (or does not parse): $DOM_XML"
case "$NAME" in */*|.*) fatal "unusable domain name: $NAME" ;; esac
CONF="$ROOT/etc/libvirt/qemu/$NAME.xml"

undefine_all() {
  oracle_virsh "$V" undefine --nvram "$NAME" >/dev/null 2>&1 ||
    oracle_virsh "$V" undefine --keep-nvram "$NAME" >/dev/null 2>&1 ||
    oracle_virsh "$V" undefine "$NAME" >/dev/null 2>&1
}
# leftovers of a killed run (or of query.sh --keep) of the same name
oracle_virsh "$V" destroy "$NAME" >/dev/null 2>&1
undefine_all
rm -f "$CONF"

oracle_fw_overlay_release "$V" || fatal "stale oracle tmpfs on $ROOT/usr/share/qemu/firmware cannot be unmounted"
FWDIR="$ROOT/etc/qemu/firmware"
USRFW="$ROOT/usr/share/qemu/firmware"
WORK=$(mktemp -d)
WORK_IN="" # the define's input, inside the oracle root (virsh runs there)
CREATED_NVRAM=""
OVERLAY=0
cleanup() {
  trap '' TERM INT HUP
  oracle_daemon_ensure "$V" >/dev/null 2>&1
  oracle_virsh "$V" destroy "$NAME" >/dev/null 2>&1
  undefine_all
  rm -f "$CONF"
  if [ "$OVERLAY" = 1 ]; then
    find "$FWDIR" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
    oracle_fw_overlay_release "$V"
  fi
  [ -n "$CREATED_NVRAM" ] && rm -f "$ROOT$CREATED_NVRAM"
  rm -f "$ROOT$HOOK_DIR/$NAME.xml" "$ROOT$HOOK_DIR/$NAME.xml.tmp"
  rm -rf "$WORK"
  [ -n "$WORK_IN" ] && rm -rf "$ROOT$WORK_IN"
}
trap 'exit 143' TERM; trap 'exit 130' INT; trap 'exit 129' HUP
trap cleanup EXIT

# stage DIR: the descriptors of root DIR, as the oracle's query.sh stages a root layout
# (a fresh tmpfs over /usr/share/qemu/firmware, /etc/qemu/firmware emptied)
stage() {
  mkdir -p "$FWDIR"
  find "$FWDIR" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  OVERLAY=1
  oracle_fw_overlay_mount "$V" || fatal "cannot mount a tmpfs over $USRFW"
  if [ -d "$1/usr/share/qemu/firmware" ]; then
    cp -a "$1/usr/share/qemu/firmware"/. "$USRFW"/ || fatal "cannot copy usr/share descriptors"
  fi
  if [ -d "$1/etc/qemu/firmware" ]; then
    cp -a "$1/etc/qemu/firmware"/. "$FWDIR"/ || fatal "cannot copy etc descriptors"
  fi
}

LOGF="$ROOT$ORACLE_LOG"
[ -f "$LOGF" ] && [ "$(stat -c %s "$LOGF")" -gt $((64 * 1024 * 1024)) ] && : >"$LOGF"
mkdir -p "$(dirname "$CONF")"
if [ -n "$DEFINE_ROOT" ]; then
  # a new define over the old descriptors: libvirt writes the stored definition
  stage "$DEFINE_ROOT"
  WORK_IN=$(mktemp -d -p "$ROOT/tmp" fwaudit-existing.XXXXXX) || fatal "cannot make a work directory in $ROOT/tmp"
  WORK_IN=${WORK_IN#"$ROOT"}
  cp "$DOM_XML" "$ROOT$WORK_IN/domain.xml" || fatal "cannot copy the domain XML into the oracle root"
  OFF=$(stat -c %s "$LOGF" 2>/dev/null || echo 0)
  if ! oracle_virsh "$V" define "$WORK_IN/domain.xml" >/dev/null 2>"$WORK/err.txt"; then
    emit_define_error=1
  fi
  [ -n "${emit_define_error:-}" ] || [ -s "$CONF" ] || fatal "the define did not store $CONF"
fi
if [ -z "${emit_define_error:-}" ]; then
  stage "$DESC_DIR" # (with --define-root: the upgrade)
  # the stored definition, then a daemon restart: libvirt loads it as an existing domain
  [ -n "$DEFINE_ROOT" ] || cp "$DOM_XML" "$CONF" || fatal "cannot write $CONF"
  [ -z "$KEEP_STORED" ] || cp "$CONF" "$KEEP_STORED" || fatal "cannot copy the stored definition to $KEEP_STORED"
  OFF=$(stat -c %s "$LOGF" 2>/dev/null || echo 0)
  oracle_daemon_stop "$V"
  oracle_daemon_start "$V" || fatal "libvirtd for libvirt $V did not come back"
fi

emit() {
  tail -c +$((OFF + 1)) "$LOGF" 2>/dev/null | grep -E 'qemuFirmware|qemuInterop' >"$WORK/fw.log"
  local extra=()
  case " $* " in *" --error "*) oracle_daemon_alive "$V" || extra+=(--daemon-crashed) ;; esac
  $PY "$ORACLE/oracle_parse.py" --libvirt "$UPSTREAM" --package "$PKG" --method "existing-$MODE" \
    --log "$WORK/fw.log" $INCLUDE_LOG "${extra[@]}" "$@"
}

if [ -n "${emit_define_error:-}" ]; then
  emit --error "$WORK/err.txt" --stage define
  exit 0
fi
if ! oracle_virsh "$V" dominfo "$NAME" >/dev/null 2>&1; then
  # not loaded: the daemon logs why (virDomainObjListLoadAllConfigs)
  # ("DATE TIME: THREAD: error : FUNC:LINE : MESSAGE"): the cause is the thread's last
  # error before its "Failed to load config for domain 'NAME'"
  tail -c +$((OFF + 1)) "$LOGF" 2>/dev/null | awk -v name="$NAME" '
    $3 ~ /^[0-9]+:$/ && $4 == "error" {
      msg = $0; sub(/^[^ ]+ [^ ]+ [0-9]+: error : [^ ]+ : /, "", msg)
      if (index(msg, "Failed to load config for domain '\''" name "'\''") == 1) { if ($3 in last) print "error: " last[$3]; exit }
      last[$3] = msg
    }' >"$WORK/err.txt"
  [ -s "$WORK/err.txt" ] || echo "error: the stored definition was not loaded" >"$WORK/err.txt"
  emit --error "$WORK/err.txt" --stage load
  exit 0
fi
case "$MODE" in
  define)
    if ! oracle_virsh "$V" dumpxml --inactive "$NAME" >"$WORK/out.xml" 2>"$WORK/err.txt"; then
      emit --error "$WORK/err.txt" --stage dumpxml
    else
      emit --xml "$WORK/out.xml"
    fi
    ;;
  start)
    oracle_virsh "$V" dumpxml --inactive "$NAME" >"$WORK/inactive.xml" 2>/dev/null
    NV=$($PY -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print((r.findtext("os/nvram") or "").strip())' "$WORK/inactive.xml" 2>/dev/null)
    [ -n "$NV" ] || NV="/var/lib/libvirt/qemu/nvram/${NAME}_VARS.fd"
    if [ ! -e "$ROOT$NV" ]; then
      mkdir -p "$(dirname "$ROOT$NV")" && : >"$ROOT$NV" && CREATED_NVRAM=$NV
    fi
    rm -f "$ROOT$HOOK_DIR/$NAME.xml"
    oracle_virsh "$V" start "$NAME" >/dev/null 2>"$WORK/err.txt"
    if [ -s "$ROOT$HOOK_DIR/$NAME.xml" ]; then
      cp "$ROOT$HOOK_DIR/$NAME.xml" "$WORK/out.xml"
      emit --xml "$WORK/out.xml"
    else
      oracle_virsh "$V" destroy "$NAME" >/dev/null 2>&1
      emit --error "$WORK/err.txt" --stage start
    fi
    ;;
esac
exit 0
