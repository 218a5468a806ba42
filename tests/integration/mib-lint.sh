#!/usr/bin/env bash
# mib-lint: LIBRESWAN-STATUS-MIB is clean SMIv2 for smilint -l 6 (which
# exits 0 even on errors, so any output is a failure), and net-snmp's
# snmptranslate loads it with the expected OIDs.
. "$(dirname "$0")/../lib.sh"
MIB=$LSW_TOP/mibs/LIBRESWAN-STATUS-MIB.txt
[ -f "$MIB" ] || lsw_fail "$MIB missing"
command -v snmptranslate >/dev/null || lsw_skip "snmptranslate not installed (make deps)"
export MIBS=LIBRESWAN-STATUS-MIB

# net-snmp: a few OIDs the agent and notify.c hard-code (agent/mibindex.h).
check_oid() {
  local got
  got=$(snmptranslate -On "LIBRESWAN-STATUS-MIB::$1" 2>&1) || lsw_fail "snmptranslate $1: $got"
  [ "$got" = "$2" ] || lsw_fail "$1 is $got, want $2"
  echo "ok $1 $got"
}
check_oid lsStatusMIB .1.3.6.1.4.1.41286.1
check_oid lsScalars .1.3.6.1.4.1.41286.1.1.1
check_oid lsPlutoVersion.0 .1.3.6.1.4.1.41286.1.1.1.1.0
check_oid lsCollectorStatus.0 .1.3.6.1.4.1.41286.1.1.1.2.0
check_oid lsLastError.0 .1.3.6.1.4.1.41286.1.1.1.20.0
check_oid lsConnsNotServed.0 .1.3.6.1.4.1.41286.1.1.1.27.0
check_oid lsConnOperStatus .1.3.6.1.4.1.41286.1.1.2.1.3
check_oid lsConnLastChange .1.3.6.1.4.1.41286.1.1.2.1.27
check_oid lsIkeSaLastDpd .1.3.6.1.4.1.41286.1.1.3.1.16
check_oid lsIpsecSaRole .1.3.6.1.4.1.41286.1.1.4.1.28
check_oid lsCompliance .1.3.6.1.4.1.41286.1.2.1.1
check_oid lsEventConnRemoteId .1.3.6.1.4.1.41286.1.1.5.2.1.21
# issue 11: the new objects at the end of each table and of lsScalars
check_oid lsAgentStartTime.0 .1.3.6.1.4.1.41286.1.1.1.28.0
check_oid lsConnDisplayName .1.3.6.1.4.1.41286.1.1.2.1.28
check_oid lsConnNameText .1.3.6.1.4.1.41286.1.1.2.1.29
check_oid lsConnInstanceText .1.3.6.1.4.1.41286.1.1.2.1.30
check_oid lsConnKind .1.3.6.1.4.1.41286.1.1.2.1.31
check_oid lsConnAdminStatus .1.3.6.1.4.1.41286.1.1.2.1.32
check_oid lsConnCounterDiscontinuityTime .1.3.6.1.4.1.41286.1.1.2.1.33
check_oid lsIkeSaCreated .1.3.6.1.4.1.41286.1.1.3.1.17
check_oid lsIpsecSaCreated .1.3.6.1.4.1.41286.1.1.4.1.29
# The index encoding: a string index is length-prefixed (not IMPLIED).
got=$(snmptranslate -On 'LIBRESWAN-STATUS-MIB::lsConnOperStatus."ab"."[1]"')
[ "$got" = .1.3.6.1.4.1.41286.1.1.2.1.3.2.97.98.3.91.49.93 ] || lsw_fail "index encoding: $got"
echo "ok index encoding"
# Every column of mibindex.h's enums exists under the same number.
for pair in lsConnIpsecSaCount:24 lsConnInOctets:25 lsIkeSaNextEventSeconds:14 lsIpsecSaInOctets:18 lsIpsecSaAddTime:21; do
  name=${pair%:*} col=${pair#*:}
  snmptranslate -On "LIBRESWAN-STATUS-MIB::$name" | grep -q "\.$col\$" || lsw_fail "$name is not column $col"
done
snmptranslate -Tp LIBRESWAN-STATUS-MIB::lsStatusMIB >/dev/null 2>&1 || lsw_fail "snmptranslate -Tp failed"

command -v smilint >/dev/null || lsw_skip "smilint not installed (smitools); snmptranslate checks passed"
# smilint finds the IETF base modules on SMIPATH: the checkout's (mibs/ and
# the base modules it ships in mibs/ietf), then the system's.
out=$(SMIPATH="$LSW_TOP/mibs:$LSW_TOP/mibs/ietf:/usr/share/snmp/mibs" smilint -l 6 "$MIB" 2>&1)
if [ -n "$out" ]; then
  echo "$out"
  lsw_fail "smilint -l 6 printed the above"
fi
echo "ok smilint -l 6 silent"
echo PASS
