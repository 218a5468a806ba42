#!/usr/bin/env bash
# fail-after: the collector is declared failed after fail-after polls in a
# row failed (default 3), and only then. Through a real snmpd and a real
# snmptrapd, with --traps all (every class that could leak a per-connection
# notification):
#   failures 1 and 2: the rows read as before (up, established), no
#     lsCollectorFailed, lsCollectorStatus stale(2);
#   failure 3: lsCollectorFailed, and the rows stay but lsConnOperStatus
#     reads unknown(5), lsIkeSaState/lsIpsecSaState unknown(4), also the
#     template's (notApplicable(4) before), lsConnUpCount 0;
#   never unknown before lsCollectorFailed reached the receiver;
#   recovery: real values again, lsCollectorRecovered, and no per-connection
#     notification at all, none for the unknown phase.
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
LS=.1.3.6.1.4.1.41286.1
lsw_setup
lsw_require snmpd snmptrapd snmpget snmpwalk

S=$T/status
GOOD=$D/v4.10-ikev2-41-rw-replace__road__2.status.txt # a template, its instance up, 2 SAs
cp "$GOOD" "$S"

lsw_start_trapd
lsw_start_snmpd
# 2 s between polls: room to read the tables between failures 1, 2 and 3
lsw_start_agent --status-file "$S" --interval 2 --traps all
lsw_wait_for 10 "[ \"\$(lsw_get lsConnUpCount.0)\" = 1 ]" || lsw_fail "not served: $(cat "$AGENT_LOG")"

our_traps() { grep -F ".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0." "$TRAP_LOG"; }
trap_types() { our_traps | sed -E "s/.*OID: $LS\.0\.([0-9]+).*/\1/" | tr '\n' ' '; }
# Every status value of the three tables, one line: "up notApplicable established ..."
statuses() {
  local c
  for c in lsConnOperStatus lsIkeSaState lsIpsecSaState; do
    snmpwalk $SNMP_OPTS -Oqv "LIBRESWAN-STATUS-MIB::$c"
  done | tr '\n' ' '
}
# numeric: the template first (shorter index), then its instance
GOOD_STATUS="notApplicable up established established "
UNKNOWN_STATUS="unknown unknown unknown unknown "
got=$(statuses)
[ "$got" = "$GOOD_STATUS" ] || lsw_fail "before: '$got', want '$GOOD_STATUS'"
echo "ok before: $got"
lsw_expect 'lsConnKind."road-east-x509-ipv4".""' template
lsw_expect 'lsConnAdminStatus."road-east-x509-ipv4"."[1]"' start

lsw_log "the status file goes away: every poll fails"
rm -f "$S"
# Sample until the third failure: whenever the failure count was below 3
# before and after a read, the rows were as before and no lsCollectorFailed
# had gone out.
seen1=0 seen2=0
end=$(( $(date +%s) + 20 ))
while [ "$(date +%s)" -le "$end" ]; do
  f0=$(lsw_get lsPollFailures.0)
  st=$(statuses)
  traps=$(trap_types)
  f1=$(lsw_get lsPollFailures.0)
  [ "$f1" -ge 3 ] && break
  if [ "$f0" = "$f1" ] && [ "$f0" -ge 1 ]; then
    [ "$st" = "$GOOD_STATUS" ] || lsw_fail "after $f0 failure(s): '$st', want '$GOOD_STATUS'"
    [ -z "$traps" ] || lsw_fail "after $f0 failure(s): notifications $traps"
    [ "$(lsw_get lsCollectorStatus.0)" = stale ] || lsw_fail "after $f0 failure(s): not stale"
    [ "$f0" = 1 ] && seen1=1
    [ "$f0" = 2 ] && seen2=1
  fi
  sleep 0.2
done
[ "$seen1$seen2" = 11 ] || lsw_fail "did not read the tables after failure 1 and 2 ($seen1$seen2)"
echo "ok failures 1 and 2: rows as before, stale(2), no notification"

lsw_wait_for 5 "our_traps | grep -qF 'OID: $LS.0.8	'" || lsw_fail "no lsCollectorFailed after 3 failures: $(trap_types)"
# the trap was sent before the rows turned unknown: this read is after both
got=$(statuses)
[ "$got" = "$UNKNOWN_STATUS" ] || lsw_fail "after failure 3: '$got', want '$UNKNOWN_STATUS'"
echo "ok failure 3: lsCollectorFailed, rows unknown: $got"
lsw_expect lsConnCount.0 2
lsw_expect lsIkeSaCount.0 1
lsw_expect lsConnUpCount.0 0
lsw_expect lsCollectorStatus.0 stale
lsw_expect 'lsConnDisplayName."road-east-x509-ipv4"."[1]"' 'road-east-x509-ipv4[1]'
grep -q "3 polls in a row failed" "$AGENT_LOG" || lsw_fail "the log does not say the collector failed"
sleep 4 # two more failed polls: still one notification
[ "$(trap_types)" = "8 " ] || lsw_fail "notifications during the outage: $(trap_types)"

lsw_log "the file is back"
cp "$GOOD" "$S"
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "no recovery"
got=$(statuses)
[ "$got" = "$GOOD_STATUS" ] || lsw_fail "after recovery: '$got', want '$GOOD_STATUS'"
lsw_expect lsConnUpCount.0 1
lsw_wait_for 5 "our_traps | grep -qF 'OID: $LS.0.9	'" || lsw_fail "no lsCollectorRecovered: $(trap_types)"
sleep 3 # a poll more: nothing else comes
[ "$(trap_types)" = "8 9 " ] || lsw_fail "notifications: $(trap_types), want only 8 (failed) and 9 (recovered)"
echo "ok recovery: real values, lsCollectorRecovered, no per-connection notification"

lsw_log "--fail-after is checked"
out=$("$AGENTX_BIN" -f -c /dev/null --fail-after 0 2>&1) && lsw_fail "--fail-after 0 accepted"
echo "$out" | grep -q "fail-after" || lsw_fail "--fail-after 0: $out"
echo PASS
