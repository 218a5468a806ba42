#!/usr/bin/env bash
# Fault: SIGTERM while a poll runs (ipsec takes 30 s). The agent exits at
# once with status 0 and leaves no ipsec process behind (its process group
# is killed and reaped, not orphaned to init).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
fault_start_agent --timeout 60
fault_baseline
: >"$T/slow.pids"
fault_mode slow
lsw_wait_for 5 "[ -s '$T/slow.pids' ]" || lsw_fail "the slow ipsec never ran"
child=$(head -n1 "$T/slow.pids")
ps -o pid=,ppid=,pgid= -p "$child" | awk -v a="$AGENT_PID" '$2 == a' | grep -q . \
  || lsw_fail "the running ipsec ($child) is not a child of the agent"
pgid=$(ps -o pgid= -p "$child" | tr -d ' ')
t0=$EPOCHREALTIME
kill -TERM "$AGENT_PID"
for _ in $(seq 50); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$AGENT_PID" 2>/dev/null && { tail "$AGENT_LOG"; lsw_fail "still running 5 s after SIGTERM"; }
wait "$AGENT_PID"; rc=$?
secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
lsw_log "exited $rc after ${secs}s"
[ "$rc" = 0 ] || { tail "$AGENT_LOG"; lsw_fail "exit status $rc after SIGTERM, want 0"; }
sleep 0.5
if ps -o pid=,stat=,args= -g "$pgid" 2>/dev/null | grep -q .; then
  ps -o pid,ppid,stat,args -g "$pgid"
  lsw_fail "processes of the poll's group $pgid survive the agent"
fi
echo "PASS"
