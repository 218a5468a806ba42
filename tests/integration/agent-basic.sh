#!/usr/bin/env bash
# agent-basic: the subagent under a private snmpd, on real status files
# (tests/data/agent/), checked with snmpget/snmpwalk/snmpbulkwalk/snmptable:
# real values, IPv6 peers, road-warrior instances, SET refused, a status
# file turned to garbage (stale, last data kept, logged once), restored (ok),
# snmpd restarted under the agent (served again within seconds).
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_start_snmpd

cp "$D/v4.10-ikev1-hub-spoke__east__1.status.txt" "$T/status.txt"
cp "$D/v4.10-ikev1-hub-spoke__east__2.trafficstatus.txt" "$T/traffic.txt"
lsw_start_agent --status-file "$T/status.txt" --traffic-file "$T/traffic.txt" --interval 1 --timeout 1

lsw_log "IKEv1 hub: two connections up from trafficstatus"
lsw_expect lsCollectorStatus.0 ok
lsw_expect lsConnCount.0 2
lsw_expect lsIpsecSaCount.0 2
lsw_expect lsIkeSaCount.0 0
lsw_expect lsConnUpCount.0 2
lsw_expect lsPlutoConnsLoaded.0 2   # "Total IPsec connections: loaded 2, active 0"
lsw_expect lsPlutoIkeSaTotal.0 0
lsw_expect lsPlutoVersion.0 ''      # this corpus file does not print it
lsw_expect 'lsConnOperStatus."westnet-northnet-ipv4-psk".""' up
lsw_expect 'lsConnInOctets."westnet-northnet-ipv4-psk".""' 336
lsw_expect 'lsConnOutOctets."northnet-westnet-ipv4-psk".""' 336
lsw_expect 'lsConnRemoteAddrType."westnet-northnet-ipv4-psk".""' ipv4
lsw_expect 'lsConnRemoteAddr."westnet-northnet-ipv4-psk".""' '"C0 01 02 2D "'   # 192.1.2.45
lsw_expect 'lsConnLocalSubnet."westnet-northnet-ipv4-psk".""' 192.0.3.0/24
lsw_expect 'lsConnRemoteId."westnet-northnet-ipv4-psk".""' @west
lsw_expect 'lsConnIkeVersion."westnet-northnet-ipv4-psk".""' ikev1
lsw_expect lsIpsecSaConnName.4 westnet-northnet-ipv4-psk
lsw_expect lsIpsecSaInOctets.4 336
lsw_expect lsIpsecSaOctetsExact.4 true
lsw_expect lsIpsecSaRemoteId.4 @west

lsw_log "real pluto 4.10 (e2e capture): IPv6, road-warrior instance, IKEv1 + IKEv2"
cp "$D/ns-03-up.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
: >"$T/traffic.txt"
lsw_wait_for 5 "[ \"\$(lsw_get lsConnCount.0)\" = 6 ]" || lsw_fail "new file not picked up"
lsw_expect lsIkeSaCount.0 5
lsw_expect lsIpsecSaCount.0 1
lsw_expect lsPlutoIkeSaTotal.0 5
lsw_expect lsPlutoIkeSaAuthenticated.0 5
lsw_expect lsUnparsedLines.0 0
lsw_expect lsPlutoVersion.0 4.10
lsw_expect 'lsConnOperStatus."v2-tunnel".""' connecting
# a template is not a tunnel that is down (issue 11); its instance is the tunnel
lsw_expect 'lsConnOperStatus."v2-rw".""' notApplicable
lsw_expect 'lsConnKind."v2-rw".""' template
lsw_expect 'lsConnKind."v2-rw"."[1]"' instance
lsw_expect 'lsConnDisplayName."v2-rw"."[1]"' 'v2-rw[1]'
lsw_expect 'lsConnInstanceText."v2-rw"."[1]"' '[1]'
lsw_expect 'lsConnNewestIkeSa."v2-rw"."[1]"' 10
lsw_expect 'lsConnRemoteHost."v2-rw"."[1]"' 192.0.2.3
lsw_expect 'lsConnRemoteAddrType."v6-tunnel".""' ipv6
lsw_expect 'lsConnRemoteAddr."v6-tunnel".""' '"20 01 0D B8 00 00 00 01 00 00 00 00 00 00 00 02 "'
lsw_expect lsIkeSaStateName.4 STATE_MAIN_I4
lsw_expect lsIkeSaRole.4 initiator
lsw_expect lsIkeSaConnName.8 v6-tunnel
lsw_expect lsIkeSaPeerAddrType.8 ipv6
lsw_expect lsIkeSaPeerPort.8 500
lsw_expect lsIkeSaState.10 established
lsw_expect lsIkeSaConnInstance.10 '[1]'
lsw_expect lsIpsecSaStateName.7 STATE_QUICK_I1
lsw_expect lsIpsecSaState.7 negotiating

# Walks: every row, in order; GETBULK too.
rows=$(snmptable $SNMP_OPTS -Ci -Cf '|' -CH LIBRESWAN-STATUS-MIB::lsConnTable | grep -c '^"')
[ "$rows" = 6 ] || lsw_fail "snmptable lsConnTable: $rows rows, want 6"
order=$(snmpwalk $SNMP_OPTS -Oqn LIBRESWAN-STATUS-MIB::lsConnOperStatus | wc -l)
[ "$order" = 6 ] || lsw_fail "walk of lsConnOperStatus: $order, want 6"
n=$(snmpbulkwalk $SNMP_OPTS -Cr25 -Oqn LIBRESWAN-STATUS-MIB::lsConnTable | wc -l)
# 31 columns + the two rekey counts and the three lifetimes (pluto prints
# them for all six); no lsConnIn/OutPkts: no kernel source in file mode.
[ "$n" = $((6 * 36)) ] || lsw_fail "bulkwalk lsConnTable: $n varbinds, want 216"
n=$(snmpbulkwalk $SNMP_OPTS -Cr25 -Oqn LIBRESWAN-STATUS-MIB::lsIkeSaTable | wc -l)
# 5 rows x 16 columns, less what pluto 4.10 does not say: no lsIkeSaLastDpd
# (no lastdpd= printed) in any row, no lsIkeSaRole for the 4 IKEv2 SAs
# (STATE_V2_ESTABLISHED_IKE_SA does not tell): no instance, not a sentinel.
[ "$n" = $((5 * 16 - 5 - 4)) ] || lsw_fail "bulkwalk lsIkeSaTable: $n varbinds, want 71"
lsw_expect_none lsIkeSaLastDpd.4
lsw_expect_none lsIkeSaRole.2
# The walk ends where the table does: the next OID is outside lsConnTable.
next=$(snmpgetnext $SNMP_OPTS -On 'LIBRESWAN-STATUS-MIB::lsConnRekeyMargin."v2-transport".""')
case $next in .1.3.6.1.4.1.41286.1.1.3.*) ;; *) lsw_fail "GETNEXT after lsConnTable: $next" ;; esac
echo "ok walks"

# sysORTable names the MIB we implement (register_sysORTable, AgentX AddAgentCaps).
check_sysor() {
  local out n
  out=$(snmpwalk $SNMP_OPTS -On SNMPv2-MIB::sysORTable 2>&1)
  n=$(echo "$out" | sed -n 's/^\.1\.3\.6\.1\.2\.1\.1\.9\.1\.2\.\([0-9]*\) = OID: \.1\.3\.6\.1\.4\.1\.41286\.1$/\1/p')
  [ -n "$n" ] || lsw_fail "sysORTable $1: no sysORID lsStatusMIB: $out"
  echo "$out" | grep -q "^\.1\.3\.6\.1\.2\.1\.1\.9\.1\.3\.$n = STRING: LIBRESWAN-STATUS-MIB: " ||
    lsw_fail "sysORTable $1: sysORDescr.$n does not name LIBRESWAN-STATUS-MIB: $out"
  echo "ok sysORTable $1: sysORID.$n = lsStatusMIB"
}
check_sysor "at start"

lsw_log "real pluto 4.10 with ESP (UML capture): Child SAs, SPIs, modes, traffic"
cp "$D/uml-03-up.west.trafficstatus.txt" "$T/traffic.txt"
cp "$D/uml-03-up.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
lsw_wait_for 5 "[ \"\$(lsw_get lsIpsecSaCount.0)\" = 5 ]" || lsw_fail "UML capture not picked up"
lsw_expect lsConnUpCount.0 5
lsw_expect 'lsConnOperStatus."v2-tunnel".""' up
lsw_expect 'lsConnNewestIpsecSa."v2-tunnel".""' 3
lsw_expect 'lsConnInOctets."v2-tunnel".""' 252
lsw_expect 'lsConnInOctets."v6-tunnel".""' 208
lsw_expect lsIpsecSaIkeSa.3 2
lsw_expect lsIpsecSaEspSpiIn.3 f2202e6e    # esp.f2202e6e@192.0.2.1 (us)
lsw_expect lsIpsecSaEspSpiOut.3 9c0d9e2f    # esp.9c0d9e2f@192.0.2.2 (peer)
lsw_expect lsIpsecSaMode.3 tunnel
lsw_expect lsIpsecSaMode.9 transport
lsw_expect lsIpsecSaOutOctets.10 168
lsw_expect lsIpsecSaPeerAddrType.8 ipv6
lsw_expect lsIpsecSaRemoteId.11 @road
lsw_expect lsIpsecSaConnInstance.11 '[1]'
lsw_expect lsIpsecSaAddTime.3 2026-11-26,22:28:6.0,+0:0   # add_time=1795732086, UTC
lsw_log "its Child SA rekeyed, then terminated: counters never go down"
cp "$D/uml-04-rekeyed.west.trafficstatus.txt" "$T/traffic.txt"
cp "$D/uml-04-rekeyed.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
lsw_wait_for 5 "[ \"\$(lsw_get 'lsConnInOctets.\"v2-tunnel\".\"\"')\" = 420 ]" || lsw_fail "rekey: lsConnInOctets $(lsw_get 'lsConnInOctets."v2-tunnel".""')"
cp "$D/uml-05-terminated.west.trafficstatus.txt" "$T/traffic.txt"
cp "$D/uml-05-terminated.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
lsw_wait_for 5 "[ \"\$(lsw_get 'lsConnOperStatus.\"v2-tunnel\".\"\"')\" = down ]" || lsw_fail "terminate not seen"
lsw_expect 'lsConnInOctets."v2-tunnel".""' 420
lsw_expect 'lsConnIpsecSaCount."v2-tunnel".""' 0
cp "$D/ns-03-up.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
: >"$T/traffic.txt"
lsw_wait_for 5 "[ \"\$(lsw_get lsIpsecSaCount.0)\" = 1 ]" || lsw_fail "back to the ns capture"

lsw_log "read-only: SET refused"
out=$(snmpset -v2c -c private 127.0.0.1:$SNMPD_PORT 'LIBRESWAN-STATUS-MIB::lsConnOperStatus."v2-tunnel".""' i 1 2>&1)
echo "$out" | grep -q notWritable || lsw_fail "SET on a column: $out"
out=$(snmpset -v2c -c private 127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::lsPollInterval.0 u 5 2>&1)
echo "$out" | grep -q notWritable || lsw_fail "SET on a scalar: $out"
echo "ok SET -> notWritable"

lsw_log "garbage: stale, last data kept, logged once"
fails0=$(lsw_get lsPollFailures.0)
printf 'Segmentation fault\n\x01\x02 not libreswan at all\n' >"$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
lsw_wait_for 5 "[ \"\$(lsw_get lsCollectorStatus.0)\" = stale ]" || lsw_fail "not stale after garbage"
sleep 2.5   # a few more failing polls
lsw_expect lsConnCount.0 6
lsw_expect lsIkeSaStateName.4 STATE_MAIN_I4
fails=$(lsw_get lsPollFailures.0)
[ "$fails" -ge $((fails0 + 2)) ] || lsw_fail "lsPollFailures $fails0 -> $fails"
lsw_get lsLastError.0 | grep -q "lines" || lsw_fail "lsLastError: $(lsw_get lsLastError.0)"
logged=$(grep -c 'poll failed' "$AGENT_LOG")
[ "$logged" = 1 ] || { cat "$AGENT_LOG"; lsw_fail "poll failure logged $logged times"; }
echo "ok stale with $fails failures, logged once"
rm "$T/status.txt"
sleep 1.5
mkdir "$T/status.txt"
lsw_wait_for 5 "lsw_get lsLastError.0 | grep -q 'is a directory'" || lsw_fail "directory: $(lsw_get lsLastError.0)"
rmdir "$T/status.txt"

lsw_log "restored: ok again"
cp "$D/ns-03-up.west.status.txt" "$T/status.txt"
lsw_wait_for 5 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "not ok after restore"
lsw_expect lsLastError.0 ''
grep -q 'working again' "$AGENT_LOG" || lsw_fail "recovery not logged"

lsw_log "snmpd restarted under the agent"
lsw_stop_snmpd
t0=$EPOCHREALTIME
lsw_start_snmpd
lsw_wait_for 10 "[ \"\$(lsw_get lsConnCount.0 2>/dev/null)\" = 6 ]" || { cat "$AGENT_LOG"; lsw_fail "not served after snmpd restart"; }
t1=$EPOCHREALTIME
echo "ok served again $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s after snmpd was restarted"
kill -0 "$AGENT_PID" || lsw_fail "agent died"
check_sysor "after the snmpd restart"
echo PASS
