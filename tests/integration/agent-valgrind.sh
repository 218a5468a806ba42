#!/usr/bin/env bash
# agent-valgrind: the daemon itself under valgrind (memcheck): polls of good
# and garbage files, walks of every table, SIGHUP, then SIGTERM. No error and
# no definite/indirect leak; exit status 0.
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
lsw_require valgrind
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_start_snmpd
cp "$D/ns-03-up.west.status.txt" "$T/status.txt"
cp "$D/v4.10-ikev1-hub-spoke__east__2.trafficstatus.txt" "$T/traffic.txt"
AGENT_LOG=$T/agent.log
: >"$T/agent.conf"
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --log-file="$T/valgrind.log" \
  "$AGENTX_BIN" -f -c "$T/agent.conf" -x "$AGENTX_SOCK" --status-file "$T/status.txt" \
  --traffic-file "$T/traffic.txt" --interval 1 --traps all >>"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
lsw_track "$AGENT_PID"
lsw_wait_for 30 "snmpget $SNMP_OPTS -OqvU LIBRESWAN-STATUS-MIB::lsConnCount.0 | grep -qx 6" \
  || { cat "$AGENT_LOG"; lsw_fail "agent under valgrind did not serve"; }
for t in lsScalars lsConnTable lsIkeSaTable lsIpsecSaTable; do
  snmpbulkwalk $SNMP_OPTS "LIBRESWAN-STATUS-MIB::$t" >/dev/null || lsw_fail "walk $t"
done
cp "$D/ns-04-rekeyed.west.status.txt" "$T/status.txt"
sleep 2
echo garbage >"$T/status.txt"
sleep 2
cp "$D/v4.10-ikev2-41-rw-replace__road__2.status.txt" "$T/status.txt"
kill -HUP "$AGENT_PID"
sleep 2
snmpbulkwalk $SNMP_OPTS LIBRESWAN-STATUS-MIB::lsStatusMIB >/dev/null || lsw_fail "walk"
kill -TERM "$AGENT_PID"
for _ in $(seq 100); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
wait "$AGENT_PID"; rc=$?
cat "$T/valgrind.log"
[ "$rc" = 0 ] || { cat "$AGENT_LOG"; lsw_fail "exit status $rc under valgrind"; }
[ -s "$T/valgrind.log" ] && lsw_fail "valgrind reported the above"
echo "ok valgrind clean, exit 0"
echo PASS
