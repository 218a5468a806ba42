#!/usr/bin/env bash
# Fault: ipsec prints 100 MB (real status lines, 42k tunnels' worth) with
# --max-output 16 MB: the output is capped, the poll counted as failed,
# the rows kept, and the agent's memory stays near the cap, not 100 MB.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faultlib.bash"
fault_setup
"$GEN" -V 4 -n 42000 "$T/big.status" "$T/big.traffic" || lsw_fail "gen-status"
[ "$(stat -c %s "$T/big.status")" -ge 104857600 ] || lsw_fail "big.status under 100 MB"
rm -f "$T/big.traffic"
fault_start_agent --max-output 16777216 --timeout 20
fault_baseline
fault_mode big
fault_expect_stale 'too (much|large|big)|cap|max-output|truncat|exceed|limit'
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$AGENT_PID/status")
lsw_log "agent VmHWM ${hwm} kB after 3+ polls of 100 MB"
[ "$hwm" -lt $((80 * 1024)) ] || lsw_fail "agent peak RSS ${hwm} kB: the output was not capped at 16 MB"
fault_expect_recovered
echo "PASS"
