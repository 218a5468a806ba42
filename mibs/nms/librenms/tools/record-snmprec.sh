#!/usr/bin/env bash
# record-snmprec.sh HOST:PORT [COMMUNITY] > FILE.snmprec
#
# Records LIBRESWAN-STATUS-MIB (enterprises.41286.1) from a running agent
# with snmpsim's own recorder (Debian package snmpsim: /usr/bin/snmprec),
# in snmpsim's "OID|TAG|VALUE" format, behind a fixed system group that
# makes LibreNMS classify the recording as os "linux" (net-snmp's
# sysObjectID). LibreNMS keeps such files as tests/snmpsim/<os>_<variant>.snmprec.
# tests/integration/nms-librenms.sh records the test snmpd serving
# tests/data/agent/uml-03-up.west.* with this script and compares the
# result with the committed tests/snmpsim/linux_libreswan.snmprec.
set -eu
endpoint=$1
community=${2:-public}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
snmprec --protocol-version=2c --community="$community" \
  --agent-udpv4-endpoint="$endpoint" --timeout=3 --retries=1 \
  --start-object=1.3.6.1.4.1.41286.1 --stop-object=1.3.6.1.4.1.41286.2 \
  --output-file="$tmp" --logging-method=null >/dev/null 2>&1
[ -s "$tmp" ] || { echo "record-snmprec: nothing recorded from $endpoint" >&2; exit 1; }
# system group: sysDescr, sysObjectID (NET-SNMP-TC::linux), sysName
cat <<'SYS'
1.3.6.1.2.1.1.1.0|4|Linux west 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10
1.3.6.1.2.1.1.5.0|4|west
SYS
cat "$tmp"
