#!/usr/bin/env bash
# Fault: the trap receiver is down (snmpd's trap2sink port has no
# listener) while every poll changes tunnels and sends traps. The agent is
# not slowed: polls keep their 1 s pace, GETs answer fast, traps are counted.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faultlib.bash"
fault_setup
fault_variants <<'V'
-V 4 -n 20
-V 4 -n 20 -t 5 -b 1
-V 4 -n 12 -t 10 -b 1
V
fault_start_agent --traps all
fault_baseline
ss -Hlun "sport = :$TRAP_PORT" | grep -q . && lsw_skip "something listens on the trap port $TRAP_PORT"
s0=$(get lsPollSuccesses) t0=$(get lsTrapsSent)
fault_mode cycle
lat=$T/lat.txt
: >"$lat"
if [ -x "$BUILD/bench/getlat" ]; then
  # one session, no process start-up in the figures
  out=$("$BUILD/bench/getlat" -p "$SNMPD_PORT" -s 12 -i 20 "$(snmptranslate -On LIBRESWAN-STATUS-MIB::lsConnCount 2>/dev/null).0")
  p99=$(sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$out")
  how="getlat: $out"
else
  end=$(( $(date +%s) + 12 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    a=$EPOCHREALTIME
    get lsConnCount >/dev/null
    awk -v a="$a" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >>"$lat"
    sleep 0.2
  done
  p99=$(sort -n "$lat" | awk '{ a[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print a[i] }')
  how="snmpget loop, $(grep -c . "$lat") GETs, process start-up included"
fi
[ -n "$p99" ] || lsw_fail "no latency measured"
polls=$(( $(get lsPollSuccesses) - s0 ))
traps=$(( $(get lsTrapsSent) - t0 ))
lsw_log "12 s with the receiver down: $polls polls, $traps traps sent, lsTrapsDropped $(get lsTrapsDropped), GET p99 ${p99} ms ($how)"
[ "$polls" -ge 8 ] || lsw_fail "only $polls polls in 12 s at --interval 1"
[ "$traps" -ge 1 ] || lsw_fail "no trap sent although tunnels changed"
awk -v p="$p99" 'BEGIN { exit !(p + 0 < 100) }' || lsw_fail "GET p99 ${p99} ms"
[ "$(get lsCollectorStatus)" = 1 ] || lsw_fail "collector not ok"
echo "PASS"
