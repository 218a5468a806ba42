#!/usr/bin/env bash
# Fault: the agent starts before snmpd (boot order). It stays up, polls,
# and serves within a few seconds once snmpd starts.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faultlib.bash"
lsw_setup
"$GEN" -V 4 -n 20 "$T/good.status" "$T/good.traffic" || lsw_fail "gen-status"
: >"$T/calls.log"
fault_write_ipsec
fault_mode ok
AGENTX_SOCK=$T/agentx.sock
AGENT_LOG=$T/agent.log
: >"$T/empty.conf"
"$AGENTX_BIN" -f -c "$T/empty.conf" -x "$AGENTX_SOCK" --ipsec "$T/ipsec" --interval 1 --timeout 2 \
  >"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
lsw_track "$AGENT_PID"
sleep 5
kill -0 "$AGENT_PID" || { cat "$AGENT_LOG"; lsw_fail "the agent exits without snmpd"; }
[ "$(grep -c . "$T/calls.log")" -ge 4 ] || lsw_fail "the agent does not poll without snmpd"
lsw_start_snmpd
secs=$(time_to_serve $FAULT_CONNS 30) || { tail -n 30 "$AGENT_LOG"; lsw_fail "not served 30 s after snmpd started"; }
lsw_log "served ${secs}s after snmpd answered"
awk -v s="$secs" 'BEGIN { exit !(s <= 5) }' || lsw_fail "took ${secs}s (want <= 5 s)"
fault_baseline
echo "PASS"
