#!/usr/bin/env bash
# Fault: the ipsec program is missing, at start and at run time (a package
# upgrade removed it). At start the agent either refuses with a message
# naming the path or serves lsCollectorStatus failed(3) with that reason;
# at run time the last good rows stay, stale(2), counted, said once.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup

: >"$T/empty.conf"
"$AGENTX_BIN" -f -c "$T/empty.conf" -x "$AGENTX_SOCK" --ipsec "$T/no-such-ipsec" \
  --interval 1 --timeout 2 >"$T/start.log" 2>&1 &
pid=$!
lsw_track "$pid"
sleep 3
if ! kill -0 "$pid" 2>/dev/null; then
  wait "$pid"; rc=$?
  [ "$rc" -ne 0 ] || lsw_fail "exited 0 with a missing ipsec"
  grep -q "no-such-ipsec" "$T/start.log" || { cat "$T/start.log"; lsw_fail "start-up error does not name the path"; }
  lsw_log "refused at start (exit $rc): $(head -n1 "$T/start.log")"
else
  wait_scalar lsCollectorStatus 'v == 3' 10 || lsw_fail "not failed(3) with a missing ipsec"
  get lsLastError | grep -qiE "no-such-ipsec|no such file" || lsw_fail "lsLastError '$(get lsLastError)'"
  [ "$(get lsConnCount)" = 0 ] || lsw_fail "rows without any good poll"
  lsw_log "runs with failed(3): $(get lsLastError)"
  kill "$pid"; wait "$pid" 2>/dev/null
fi

fault_start_agent
fault_baseline
mv "$T/ipsec" "$T/ipsec.away"
fault_expect_stale 'no such file|not found|does not exist|missing'
mv "$T/ipsec.away" "$T/ipsec"
fault_expect_recovered
echo "PASS"
