#!/usr/bin/env bash
# timestamps: every TimeStamp the agent serves is true against snmpd's
# sysUpTime.0 at every moment (issue 11: after an snmpd restart
# lsConnLastChange was 620 with sysUpTime.0 at 218). The agent runs on,
# snmpd is restarted under it; afterwards every TimeStamp column (walked:
# lsAgentStartTime, lsConnLastChange, lsConnCounterDiscontinuityTime,
# lsIkeSaCreated, lsIpsecSaCreated) is <= sysUpTime.0, those of events
# before the restart are 0 (RFC 2579), and a change after the restart gets
# a time within it.
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_require snmpd snmpget snmpwalk

S=$T/status
UP=$D/v4.10-ikev2-41-rw-replace__road__2.status.txt
put() { cp "$1" "$S.new" && mv "$S.new" "$S"; }
# The instance's SAs gone: its status changes (up -> down).
grep -v '^000 #' "$UP" >"$T/down.txt"
put "$UP"

COLS="lsAgentStartTime lsConnLastChange lsConnCounterDiscontinuityTime lsIkeSaCreated lsIpsecSaCreated"
uptime() { snmpget $SNMP_OPTS -Oqvt SNMPv2-MIB::sysUpTime.0; }
# "OBJECT.INDEX TICKS" for every instance of every TimeStamp column.
stamps() {
  local c
  for c in $COLS; do
    snmpwalk $SNMP_OPTS -Oqt "LIBRESWAN-STATUS-MIB::$c" | grep -v 'No Such Instance'
  done
}
# Every stamp <= sysUpTime.0 read after it; prints them. $1: what must be 0
# (a regex of objects), or "".
check_stamps() {
  local out up n=0 zero=$1
  out=$(stamps)
  up=$(uptime) || lsw_fail "sysUpTime.0 failed"
  while read -r obj ticks; do
    [[ $ticks =~ ^[0-9]+$ ]] || lsw_fail "$obj: not a number: $ticks"
    [ "$ticks" -le "$up" ] || lsw_fail "$obj = $ticks, in the future of sysUpTime.0 = $up"
    if [ -n "$zero" ] && [[ $obj =~ $zero ]] && [ "$ticks" != 0 ]; then
      lsw_fail "$obj = $ticks: the event was before snmpd's restart, want 0"
    fi
    n=$((n + 1))
  done <<<"$out"
  # 1 scalar, 2 connections x 2, 1 IKE SA, 1 IPsec SA (no SA when down)
  [ "$n" -ge 5 ] || lsw_fail "only $n TimeStamps walked: $out"
  echo "ok $n TimeStamps <= sysUpTime.0 = $up${zero:+, before the restart 0}"
}

lsw_start_snmpd
sleep 3 # snmpd's uptime well above 0 when the agent starts
lsw_start_agent --status-file "$S" --interval 1
lsw_wait_for 10 "[ \"\$(lsw_get lsConnUpCount.0)\" = 1 ]" || lsw_fail "not served: $(cat "$AGENT_LOG")"
sleep 3 # the events age
check_stamps ""
start=$(snmpget $SNMP_OPTS -Oqvt LIBRESWAN-STATUS-MIB::lsAgentStartTime.0)
[ "$start" -ge 250 ] || lsw_fail "lsAgentStartTime.0 = $start, snmpd was up 3 s before the agent"
echo "ok lsAgentStartTime.0 = $start"

lsw_log "snmpd restarted under the running agent"
lsw_stop_snmpd
sleep 1
lsw_start_snmpd
lsw_wait_for 15 "[ \"\$(lsw_get lsConnUpCount.0)\" = 1 ]" || lsw_fail "not served after the restart"
# Everything the agent saw happened before this snmpd started: all 0.
check_stamps 'ls'
lsw_expect lsAgentStartTime.0 0:0:00:00.00

lsw_log "a change after the restart"
sleep 2
put "$T/down.txt"
inst="LIBRESWAN-STATUS-MIB::lsConnLastChange.$(lsw_conn_index road-east-x509-ipv4 '[1]')"
lsw_wait_for 10 "[ \"\$(snmpget \$SNMP_OPTS -Oqvt $inst)\" != 0 ]" || lsw_fail "no change seen"
got=$(snmpget $SNMP_OPTS -Oqvt "$inst")
up=$(uptime)
[ "$got" -ge 150 ] && [ "$got" -le "$up" ] || lsw_fail "lsConnLastChange = $got, sysUpTime.0 = $up"
echo "ok lsConnLastChange of the instance = $got after the restart (sysUpTime.0 $up)"
check_stamps 'lsAgentStartTime|lsConnCounterDiscontinuityTime'
echo PASS
