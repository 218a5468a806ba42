#!/usr/bin/env bash
# Fault: ipsec hangs (and has started a grandchild) past --timeout 2: the
# poll is killed, the child reaped (no zombie child of the agent), the
# grandchild killed with its process group, the failure counted, the rows
# kept; requests are answered at once all the while.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
fault_start_agent
fault_baseline
: >"$T/hang.pids"
fault_mode hang
# While the child hangs, a GET answers at once (the snmpget here has -t 3).
lsw_wait_for 5 "[ -s '$T/hang.pids' ]" || lsw_fail "the hanging ipsec never ran"
t0=$EPOCHREALTIME
get lsConnCount | grep -qx $FAULT_CONNS || lsw_fail "no answer while ipsec hangs"
lsw_log "GET during the hang took $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }') s"
fault_expect_stale 'time(d)? ?out|did not finish'
sleep 1
z=$(zombies_of "$AGENT_PID")
[ "$z" = 0 ] || { children_of "$AGENT_PID"; lsw_fail "$z zombie children of the agent"; }
left=0
while read -r p; do
  if kill -0 "$p" 2>/dev/null && [ "$(ps -o stat= -p "$p" | cut -c1)" != Z ]; then
    # a child of the current poll may be legitimately running; it must be younger than 3 s
    age=$(ps -o etimes= -p "$p" | tr -d ' ')
    [ "${age:-0}" -le 3 ] || { left=$((left + 1)); ps -o pid,ppid,pgid,etimes,stat,args -p "$p"; }
  fi
done <"$T/hang.pids"
[ "$left" = 0 ] || lsw_fail "$left hung processes older than the timeout still run (not killed)"
fault_expect_recovered
sleep 1
[ "$(zombies_of "$AGENT_PID")" = 0 ] || lsw_fail "zombie after recovery"
echo "PASS"
