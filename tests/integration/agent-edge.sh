#!/usr/bin/env bash
# agent-edge: an empty pluto (zero rows, status ok, walk ends cleanly),
# names at the index size limit (90 octets served, 91 counted in
# lsConnsNotServed), the agent started on garbage (failed, not stale), and
# a FIFO as status file (refused at once, no hang).
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_start_snmpd

lsw_log "started on garbage: failed(3), no rows"
printf 'whack: Pluto is not running (no "/run/pluto/pluto.ctl")\n' >"$T/status.txt"
lsw_start_agent --status-file "$T/status.txt" --interval 1
lsw_expect lsCollectorStatus.0 failed
lsw_expect lsConnCount.0 0
lsw_expect_none lsSnapshotAge.0   # not 4294967295
lsw_expect_none lsLastPollTime.0  # not a DateAndTime of month 0
# A walk of the scalars goes past the holes: no lsSnapshotAge (.3) and no
# lsLastPollTime (.21), but lsPollSuccesses (.4) and lsPollInterval (.22).
out=$(snmpwalk $SNMP_OPTS -On LIBRESWAN-STATUS-MIB::lsScalars)
for n in 3 21; do grep -q "^\.1\.3\.6\.1\.4\.1\.41286\.1\.1\.1\.$n\.0 = " <<<"$out" && lsw_fail "walk: lsScalars.$n.0 served: $out"; done
for n in 2 4 22 27; do grep -q "^\.1\.3\.6\.1\.4\.1\.41286\.1\.1\.1\.$n\.0 = " <<<"$out" || lsw_fail "walk: lsScalars.$n.0 missing: $out"; done
echo "ok the scalar walk skips the scalars without a value"
n=$(snmpwalk $SNMP_OPTS -On LIBRESWAN-STATUS-MIB::lsConnTable | grep -c '^\.1\.3\.6\.1\.4\.1\.41286\.1\.1\.2\.')
[ "$n" = 0 ] || lsw_fail "rows without a snapshot: $n"

lsw_log "an empty pluto: ok, zero rows"
cp "$D/v5.4-ikev1-cryptoload-01__west__1.status.txt" "$T/status.txt"
lsw_wait_for 5 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "empty pluto is not ok: $(lsw_get lsLastError.0)"
lsw_expect lsPlutoConnsLoaded.0 0
lsw_expect_none lsPlutoIkeSaTotal.0  # not printed by this file (not -1)
lsw_expect lsConnCount.0 0
lsw_expect lsIkeSaCount.0 0
for t in lsConnTable lsIkeSaTable lsIpsecSaTable; do
  out=$(snmpgetnext $SNMP_OPTS -On "LIBRESWAN-STATUS-MIB::$t")
  case $out in .1.3.6.1.4.1.41286.1.1.[234].*) lsw_fail "$t has a row: $out" ;; esac
done
echo "ok empty tables"

lsw_log "names at the size limit"
n90=$(printf 'n%.0s' $(seq 90)) n91=$(printf 'm%.0s' $(seq 91))
sed -e "s/\"v2-tunnel\"/\"$n90\"/g" -e "s/\"v6-tunnel\"/\"$n91\"/g" "$D/ns-03-up.west.status.txt" >"$T/status.txt.new"
mv "$T/status.txt.new" "$T/status.txt"
lsw_wait_for 5 "[ \"\$(lsw_get lsConnsNotServed.0)\" = 1 ]" || lsw_fail "lsConnsNotServed: $(lsw_get lsConnsNotServed.0)"
lsw_expect lsConnCount.0 5
lsw_expect "lsConnOperStatus.\"$n90\".\"\"" connecting
lsw_expect "lsConnNewestIkeSa.\"$n90\".\"\"" 2
lsw_expect lsIkeSaConnName.8 "$n91"     # the SA tables do not index by name
# The 90-octet row's OIDs have 12 + 1 + 90 + 1 = 104 sub-identifiers and walk fine.
n=$(snmpbulkwalk $SNMP_OPTS -On LIBRESWAN-STATUS-MIB::lsConnOperStatus | wc -l)
[ "$n" = 5 ] || lsw_fail "walk lsConnOperStatus: $n rows"
echo "ok long names"

lsw_log "a FIFO as status file: refused at once"
rm "$T/status.txt"; mkfifo "$T/status.txt"
lsw_wait_for 5 "lsw_get lsLastError.0 | grep -q 'is not a regular file'" || lsw_fail "FIFO: $(lsw_get lsLastError.0)"
lsw_expect lsCollectorStatus.0 stale
lsw_expect lsConnCount.0 5
kill -0 "$AGENT_PID" || lsw_fail "agent died"
echo PASS
