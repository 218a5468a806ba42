#!/usr/bin/env bash
# Fault: SIGHUP after the config file was broken. A good edit is applied
# (lsPollInterval follows it); a broken one is refused: the agent keeps
# running with the config it had, says why (file and line) in the log,
# and keeps polling.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
conf=$T/agent.conf
printf 'interval = 2\n' >"$conf"
AGENT_LOG=$T/agent.log
"$AGENTX_BIN" -f -c "$conf" -x "$AGENTX_SOCK" --ipsec "$T/ipsec" --timeout 2 >"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
lsw_track "$AGENT_PID"
fault_baseline
[ "$(get lsPollInterval)" = 2 ] || lsw_fail "lsPollInterval $(get lsPollInterval), want 2 from the file"
printf '# edited\ninterval = 3\n' >"$conf"
kill -HUP "$AGENT_PID"
wait_scalar lsPollInterval 'v == 3' 5 || lsw_fail "a good config was not applied on SIGHUP"
lsw_log "good edit applied: lsPollInterval 3"
printf '# broken\ninterval = banana\n' >"$conf"
lines0=$(grep -c . "$AGENT_LOG")
kill -HUP "$AGENT_PID"
sleep 2
kill -0 "$AGENT_PID" || { cat "$AGENT_LOG"; lsw_fail "the agent died on SIGHUP with a broken config"; }
[ "$(get lsPollInterval)" = 3 ] || lsw_fail "lsPollInterval $(get lsPollInterval) after a broken config, want 3 (kept)"
new=$(tail -n +"$((lines0 + 1))" "$AGENT_LOG")
echo "$new" | grep -q "agent.conf:2" || { echo "$new"; lsw_fail "the log does not name agent.conf:2"; }
echo "$new" | grep -qi "banana\|interval" || { echo "$new"; lsw_fail "the log does not say what is wrong"; }
lsw_log "log: $(echo "$new" | grep "agent.conf:2" | head -n1)"
s0=$(get lsPollSuccesses)
wait_scalar lsPollSuccesses "v >= $s0 + 2" 10 || lsw_fail "polling stopped after a broken config"
[ "$(get lsCollectorStatus)" = 1 ] || lsw_fail "lsCollectorStatus $(get lsCollectorStatus) after a refused reload"
echo "PASS"
