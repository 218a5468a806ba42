#!/usr/bin/env bash
# kernel-stats: the kernel source and pluto's IKE counters through a real
# snmpd, on the host (no ESP here: the UML tier, tests/e2e/e2e-ns.sh inside
# tests/e2e/e2e-uml.sh, checks packets against real tunnels).
#   1. The host kernel by netlink (--kernel-stats yes, root):
#      lsKernelStatus ok, lsXfrmStatTable equal to /proc/net/xfrm_stat,
#      name for name and value for value.
#   2. A dump recorded in UML (tests/data/xfrm/dump.bin) beside a status
#      from another run: pluto's established SAs are not in it, and its
#      ESP/AH SAs are nobody's. lsIpsecSaKernelState missing(2) at once;
#      at the second poll one lsIpsecSaMissingInKernel per SA and one
#      lsKernelSaNotInPluto at a real snmptrapd, and no more after.
#   3. Without CAP_NET_ADMIN (setpriv drops it), kernel-stats auto: one log
#      line, lsKernelStatus notPermitted(3), no kernel columns, the rest
#      served.
#   4. --globalstatus captured from a real pluto 4.10 (tests/data/
#      globalstatus): lsIkeV2Established, lsIkeStatTable; two failed
#      authentications between two polls raise lsIkeFailuresRising with
#      the counts by notification type.
. "$(dirname "$0")/../lib.sh"
lsw_require snmpd snmptrapd snmpwalk snmpget setpriv
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
export MIBS=LIBRESWAN-STATUS-MIB
lsw_setup
D=$LSW_TOP/tests/data
LS=.1.3.6.1.4.1.41286.1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
our_traps() { grep -aF ".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0." "$TRAP_LOG"; }
count_trap() { our_traps | grep -cF "OID: $LS.0.$1	"; }
stop_agent() { kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null; }

lsw_start_trapd
lsw_start_snmpd

lsw_log "1. the host kernel: lsXfrmStatTable = /proc/net/xfrm_stat"
if [ -r /proc/net/xfrm_stat ]; then
  lsw_start_agent --status-file "$D/agent/uml-03-up.west.status.txt" --interval 1 --kernel-stats yes
  lsw_wait_for 10 "[ \"\$(lsw_get lsKernelStatus.0)\" = ok ]" ||
    fail "lsKernelStatus is $(lsw_get lsKernelStatus.0): $(lsw_get lsKernelLastError.0)"
  want=$(awk '{ print $1 " " $2 }' /proc/net/xfrm_stat | sort)
  got=$(paste -d' ' <(snmpwalk $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsXfrmStatNameText) \
    <(snmpwalk $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsXfrmStatValue) | sort)
  [ -n "$want" ] && [ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") | head; fail "lsXfrmStatTable is not /proc/net/xfrm_stat"; }
  echo "ok lsXfrmStatTable: $(echo "$got" | wc -l) counters equal to /proc/net/xfrm_stat"
  # the host's kernel (no ESP) holds none of the status's SAs
  lsw_expect lsIpsecSaKernelState.3 missing
  stop_agent
else
  echo "no /proc/net/xfrm_stat on this kernel: part 1 not run"
fi

lsw_log "2. a dump recorded in UML against another run's status"
: >"$TRAP_LOG"
lsw_start_agent --status-file "$D/agent/uml-03-up.west.status.txt" \
  --traffic-file "$D/agent/uml-03-up.west.trafficstatus.txt" --interval 1 \
  --kernel-stats yes --xfrm-file "$D/xfrm/dump.bin" --xfrm-stat-file "$D/xfrm/xfrm_stat.uml.txt" \
  --traps kernel
lsw_wait_for 10 "[ \"\$(lsw_get lsKernelStatus.0)\" = ok ]" ||
  { cat "$AGENT_LOG"; lsw_fail "lsKernelStatus with --xfrm-file: $(lsw_get lsKernelStatus.0) $(lsw_get lsKernelLastError.0)"; }
lsw_expect lsKernelSaCount.0 11
lsw_expect lsIpsecSaKernelState.10 missing
lsw_expect_none lsIpsecSaInPkts.10
n_xs=$(snmpwalk $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsXfrmStatValue | wc -l)
[ "$n_xs" = "$(grep -c . "$D/xfrm/xfrm_stat.uml.txt")" ] || fail "lsXfrmStatTable: $n_xs rows"
# five established IPsec SAs (#3 #8 #9 #10 #11), eight ESP SAs and one AH
# SA in the dump that no one claims (the IPCOMP and IPIP ones are not ESP/AH)
lsw_wait_for 10 "[ \$(count_trap 13) -ge 5 ] && [ \$(count_trap 14) -ge 1 ]" ||
  fail "traps: $(our_traps | sed 's/.*OID: \([.0-9]*\)\t.*/\1/' | tr '\n' ' ')"
lsw_expect lsKernelSaMissing.0 5
lsw_expect lsKernelSaUnclaimed.0 9
sleep 2.5 # two more polls: nothing new to tell
[ "$(count_trap 13)" = 5 ] || fail "$(count_trap 13) lsIpsecSaMissingInKernel, want one per SA (5)"
[ "$(count_trap 14)" = 1 ] || fail "$(count_trap 14) lsKernelSaNotInPluto, want 1"
line=$(our_traps | grep -F "OID: $LS.0.13	" | grep -F "= STRING: v1-tunnel" | head -n1)
[[ $line == *"637aa197 (out) missing"* ]] || fail "lsIpsecSaMissingInKernel of v1-tunnel: $line"
[[ $line == *"$LS.1.5.2.1.7."*"= Gauge32: 10"* ]] || fail "lsIpsecSaMissingInKernel lacks lsEventSerial 10: $line"
line=$(our_traps | grep -F "OID: $LS.0.14	" | head -n1)
[[ $line == *"$LS.1.6.4.0 = Gauge32: 9"* ]] || fail "lsKernelSaNotInPluto lacks lsKernelSaUnclaimed = 9: $line"
[[ $line == *"9 kernel SAs no pluto SA claims"* ]] || fail "lsKernelSaNotInPluto text: $line"
lsw_expect lsEventType.1 kernelSaMissing
stop_agent

lsw_log "3. without CAP_NET_ADMIN: said once, everything else served"
cat >"$T/ipsec" <<SH
#!/bin/sh
case "\$*" in
  *--trafficstatus*) cat "$D/agent/uml-03-up.west.trafficstatus.txt" ;;
  *--globalstatus*) cat "$D/globalstatus/real-4.10-ns-03-up.west.txt" ;;
  *--status*|*--showstates*) cat "$D/agent/uml-03-up.west.status.txt" ;;
esac
SH
chmod +x "$T/ipsec"
LSW_AGENT_WRAP="setpriv --bounding-set -net_admin --inh-caps -net_admin --" \
  lsw_start_agent --ipsec "$T/ipsec" --interval 1 --kernel-stats auto
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || fail "no poll without CAP_NET_ADMIN"
sleep 2
lsw_expect lsKernelStatus.0 notPermitted
lsw_expect_none lsIpsecSaKernelState.10
lsw_expect lsConnCount.0 6
lsw_expect lsIkeV2Established.0 4
[ "$(grep -c 'kernel source off' "$AGENT_LOG")" = 1 ] || { cat "$AGENT_LOG"; fail "not said exactly once"; }
grep 'kernel source off' "$AGENT_LOG"
stop_agent

lsw_log "4. pluto's IKE counters (--globalstatus of a real pluto 4.10)"
: >"$TRAP_LOG"
G=$T/globalstatus.txt
cp "$D/globalstatus/real-4.10-ns-03-up.west.txt" "$G"
lsw_start_agent --status-file "$D/agent/uml-03-up.west.status.txt" --interval 1 \
  --globalstatus-file "$G" --ike-failures 1 --traps ikefail
lsw_wait_for 10 "[ \"\$(lsw_get lsIkeStatStatus.0)\" = ok ]" || fail "lsIkeStatStatus: $(lsw_get lsIkeStatStatus.0)"
lsw_expect lsIkeV2Established.0 4
lsw_expect lsIkeV2Failed.0 0
rows=$(snmpwalk $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsIkeStatValue | wc -l)
want=$(grep -c '^total\.' "$G")
[ "$rows" = "$want" ] || fail "lsIkeStatTable: $rows rows, $want total.* counters in the file"
v=$(snmpget $SNMP_OPTS -Oqv 'LIBRESWAN-STATUS-MIB::lsIkeStatValue."total.ike.ikev2.established"')
[ "$v" = 4 ] || fail "lsIkeStatValue.\"total.ike.ikev2.established\" = $v"
cp "$D/globalstatus/real-4.10-ns-09-authfailed.west.txt" "$G.new" && mv "$G.new" "$G"
lsw_wait_for 10 "[ \$(count_trap 15) -ge 1 ]" || fail "no lsIkeFailuresRising"
lsw_expect lsIkeV2Failed.0 2
line=$(our_traps | grep -F "OID: $LS.0.15	" | head -n1)
[[ $line == *"$LS.1.7.2.0 = Counter32: 2"* ]] || fail "lsIkeFailuresRising lacks lsIkeV2Failed = 2: $line"
[[ $line == *"v2 recv AUTHENTICATION_FAILED+2"* ]] || fail "lsIkeFailuresRising text: $line"
# pluto restarts: its counters start at 0 again, no trap for the fall
cp "$D/globalstatus/real-4.10-ns-03-up.west.txt" "$G.new" && mv "$G.new" "$G"
sleep 2.5
lsw_expect lsIkeV2Failed.0 0
[ "$(count_trap 15)" = 1 ] || fail "$(count_trap 15) lsIkeFailuresRising, want 1"
# --globalstatus fails: the last values stay, the status says so
echo "whack: Pluto is not running" >"$G.new" && mv "$G.new" "$G"
lsw_wait_for 10 "[ \"\$(lsw_get lsIkeStatStatus.0)\" = failed ]" || fail "lsIkeStatStatus not failed"
lsw_expect lsIkeV2Established.0 4
lsw_expect lsCollectorStatus.0 ok
stop_agent

[ "$failures" = 0 ] || { cat "$AGENT_LOG"; lsw_fail "$failures checks failed"; }
echo "kernel-stats: all checks passed"
