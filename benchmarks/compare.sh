#!/bin/bash
# Whole-process comparison: how long `fwaudit match` takes to answer one
# question, next to the same question asked of a real libvirt through the
# project's oracle (../shared/oracle/query.sh), which defines a domain and
# reads back what libvirt chose.
#
# usage: benchmarks/compare.sh [-n RUNS] [-m ORACLE_RUNS] [-l 9|11|12] [CASE_ROOT DOMAIN_XML]
#
#   CASE_ROOT   a root holding usr/share/qemu/firmware (and/or etc/qemu/firmware);
#               default: the bundled Debian 13 set, testdata/descriptors/debian-13
#   DOMAIN_XML  default: the oracle's sample 01-plain-efi-q35/domain.xml, or a
#               generated plain UEFI q35 domain when the oracle is not here
#   -n RUNS         fwaudit runs (default 50)
#   -m ORACLE_RUNS  oracle runs (default 3; each defines a domain in libvirt)
#   -l VERSION      libvirt oracle to ask, 9, 11 or 12 (default 12); fwaudit
#                   predicts the matching profile (--libvirt 9.0, 11.3, 12.8)
#
# The oracle part is skipped, with a message, where the oracle is not
# installed (no query.sh or no virsh). Prints per-run wall times, both
# answers' descriptor, and the ratio.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ORACLE=${ORACLE:-$REPO/../shared/oracle/query.sh}
RUNS=50 ORUNS=3 LV=12
while getopts n:m:l: opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    m) ORUNS=$OPTARG ;;
    l) LV=$OPTARG ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
case $LV in 9) PROFILE=9.0 ;; 11) PROFILE=11.3 ;; 12) PROFILE=12.8 ;; *) echo "-l must be 9, 11 or 12" >&2; exit 2 ;; esac

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT=${1:-$REPO/testdata/descriptors/debian-13}
DOMAIN=${2:-}
if [ -z "$DOMAIN" ]; then
  DOMAIN=$(dirname "$ORACLE")/samples/01-plain-efi-q35/domain.xml
  if [ ! -f "$DOMAIN" ]; then
    DOMAIN=$WORK/domain.xml
    cat >"$DOMAIN" <<'EOF'
<domain type='qemu'>
  <name>sample-plain-efi</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
</domain>
EOF
  fi
fi

now() { date +%s%N; }
field() { python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print(v if v is not None else "-")' "$1"; }

echo "case root: $ROOT"
echo "domain:    $DOMAIN"
(cd "$REPO" && go build -o "$WORK/fwaudit" ./cmd/fwaudit)
FW=("$WORK/fwaudit" match --root "$ROOT" --domain "$DOMAIN" --libvirt "$PROFILE" --format json)
set +e
"${FW[@]}" >"$WORK/fwaudit.json"
rc=$?
set -e
[ $rc -le 1 ] || { echo "fwaudit match failed (exit $rc)" >&2; cat "$WORK/fwaudit.json" >&2; exit 3; }
start=$(now)
for _ in $(seq "$RUNS"); do "${FW[@]}" >/dev/null || true; done
fw_ns=$(( ($(now) - start) / RUNS ))
printf 'fwaudit match (libvirt-%s): %d runs, %.2f ms per run, descriptor %s\n' \
  "$PROFILE" "$RUNS" "$(echo "$fw_ns / 1000000" | bc -l)" "$(field descriptor <"$WORK/fwaudit.json")"

if [ ! -x "$ORACLE" ] || ! command -v virsh >/dev/null; then
  echo "oracle: not installed here ($ORACLE, virsh): skipped"
  exit 0
fi
start=$(now)
for i in $(seq "$ORUNS"); do "$ORACLE" --libvirt "$LV" "$ROOT" "$DOMAIN" >"$WORK/oracle-$i.json"; done
or_ns=$(( ($(now) - start) / ORUNS ))
printf 'oracle query.sh --libvirt %s: %d runs, %.0f ms per run, descriptor %s\n' \
  "$LV" "$ORUNS" "$(echo "$or_ns / 1000000" | bc -l)" "$(field descriptor <"$WORK/oracle-1.json")"
printf 'fwaudit is %.0fx faster than asking libvirt\n' "$(echo "$or_ns / $fw_ns" | bc -l)"
