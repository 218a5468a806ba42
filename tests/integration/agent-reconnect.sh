#!/usr/bin/env bash
# agent-reconnect: the subagent started before snmpd registers as soon as
# snmpd comes up; after snmpd is killed with SIGKILL (stale socket left) and
# started again, it serves again within a few seconds. Times are printed.
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_require snmpd snmpget
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"

AGENTX_SOCK=$T/agentx.sock
AGENT_LOG=$T/agent.log
: >"$T/empty.conf"
"$AGENTX_BIN" -f -c "$T/empty.conf" -x "$AGENTX_SOCK" --status-file "$D/ns-03-up.west.status.txt" \
  --interval 1 >>"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
lsw_track "$AGENT_PID"
sleep 1.5
kill -0 "$AGENT_PID" || { cat "$AGENT_LOG"; lsw_fail "agent exits without a master"; }

served() { [ "$(snmpget $SNMP_OPTS -OqvU LIBRESWAN-STATUS-MIB::lsConnCount.0 2>/dev/null)" = 6 ]; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

lsw_log "snmpd starts after the agent"
t0=$EPOCHREALTIME
lsw_start_snmpd
lsw_wait_for 10 served || { cat "$AGENT_LOG"; lsw_fail "not served after snmpd started"; }
echo "ok served $(elapsed "$t0") s after snmpd was started (snmpd start-up included)"

lsw_log "snmpd killed with SIGKILL, down 3 s, started again"
kill -9 "$SNMPD_PID"; wait "$SNMPD_PID" 2>/dev/null
sleep 3
kill -0 "$AGENT_PID" || lsw_fail "agent died while snmpd was away"
t0=$EPOCHREALTIME
lsw_start_snmpd
lsw_wait_for 10 served || { cat "$AGENT_LOG"; lsw_fail "not served after snmpd came back"; }
echo "ok served $(elapsed "$t0") s after snmpd came back"

lsw_log "snmpd restarted (SIGTERM) twice in a row"
for i in 1 2; do
  lsw_stop_snmpd
  t0=$EPOCHREALTIME
  lsw_start_snmpd
  lsw_wait_for 10 served || lsw_fail "restart $i: not served"
  echo "ok restart $i: served $(elapsed "$t0") s later"
done
echo PASS
