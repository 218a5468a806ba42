#!/usr/bin/env bash
# Fault (slow): a compressed day of polling. The agent runs under valgrind
# for LSW_SOAK_SECONDS (default 240) at --interval LSW_SOAK_INTERVAL
# (default 0.1 when the agent takes fractions of a second, else 1) over status that
# changes at every poll (traffic grows, tunnels come and go, pluto
# restarts, 5 to 200 tunnels, 4.10 and 5.4 shapes), then gets SIGTERM:
# valgrind must report no error and no definite or indirect leak. Then the
# same natively for as long again: resident memory must stay flat (the
# highest RSS of the second half no more than 1 MB over the first half's).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faultlib.bash"
lsw_require valgrind
secs=${LSW_SOAK_SECONDS:-240}
if "$AGENTX_BIN" --help 2>&1 | grep -q 'fractions'; then
  ivl=${LSW_SOAK_INTERVAL:-0.1}
else
  ivl=${LSW_SOAK_INTERVAL:-1}
fi
fault_setup
{
  for t in 1 2 3 4 5; do echo "-V 4 -n 50 -t $t -b 1"; done
  echo "-V 4 -n 200 -t 6 -b 1"
  echo "-V 4 -n 5 -t 7 -b 1"            # most tunnels gone
  echo "-V 4 -n 60 -t 8 -b 1"
  echo "-V 5 -n 60 -t 9 -b 1"           # pluto upgraded to 5.4
  echo "-V 5 -n 60 -t 10 -b 1"
  echo "-V 4 -n 60 -t 11 -b 9001"       # pluto restarted: other serials
  echo "-V 4 -n 60 -t 12 -b 9001"
} | fault_variants
fault_mode cycle

AGENT_LOG=$T/agent.log
: >"$T/empty.conf"
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect --log-file="$T/valgrind.log" \
  "$AGENTX_BIN" -f -c "$T/empty.conf" -x "$AGENTX_SOCK" --ipsec "$T/ipsec" --interval "$ivl" --timeout 10 \
  --traps all >"$AGENT_LOG" 2>&1 &
AGENT_PID=$!
lsw_track "$AGENT_PID"
wait_scalar lsPollSuccesses 'v >= 1' 60 || { cat "$AGENT_LOG" "$T/valgrind.log"; lsw_fail "no poll under valgrind"; }
sleep "$secs"
polls=$(get lsPollSuccesses) fails=$(get lsPollFailures)
kill -TERM "$AGENT_PID"
for _ in $(seq 300); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
wait "$AGENT_PID"; rc=$?
lsw_log "valgrind: $polls polls, $fails failures in ${secs}s at --interval $ivl, exit $rc"
[ -s "$T/valgrind.log" ] && { echo "----- valgrind.log"; cat "$T/valgrind.log"; }
[ "$rc" = 0 ] || lsw_fail "exit $rc under valgrind (99 = errors or leaks)"
[ "$polls" -ge $((secs / 3)) ] || lsw_fail "only $polls polls in ${secs}s"

lsw_start_agent --ipsec "$T/ipsec" --interval "$ivl" --timeout 10 --traps all
samples=()
end=$(( $(date +%s) + secs ))
while [ "$(date +%s)" -lt "$end" ]; do
  samples+=("$(awk '/^VmRSS:/ { print $2 }' "/proc/$AGENT_PID/status")")
  sleep 5
done
n=${#samples[@]}
half=$((n / 2))
first=$(printf '%s\n' "${samples[@]:1:$((half - 1))}" | sort -n | tail -n1)
second=$(printf '%s\n' "${samples[@]:$half}" | sort -n | tail -n1)
lsw_log "native: $(( $(get lsPollSuccesses) )) polls, VmRSS kB samples: ${samples[*]}"
lsw_log "max RSS first half ${first} kB, second half ${second} kB"
[ $((second - first)) -le 1024 ] || lsw_fail "RSS grew by $((second - first)) kB in the second half"
echo "PASS"
