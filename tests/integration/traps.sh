#!/usr/bin/env bash
# Notifications end to end: a real snmpd (AgentX master, trap2sink) and a
# real snmptrapd on loopback; the agent polls status files every second
# with --traps all. The test rewrites the files (a Child SA disappears, the
# connection comes back, a rekey, a road-warrior instance comes up, pluto
# stops answering and comes back) and checks that exactly the expected
# notifications arrive, with the right OIDs and varbind values, within one
# poll interval plus a margin, and that lsEventTable holds them in order.
# Prints the latency from each file change to the trap at the receiver.
. "$(dirname "$0")/../lib.sh"
lsw_require snmpd snmptrapd snmpwalk snmpget
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
lsw_setup

D=$LSW_TOP/tests/data/diff
CONN=westnet-eastnet-ipv4-psk-ikev2
LS=.1.3.6.1.4.1.41286.1
TRAP_PREFIX=$LS.0.
INTERVAL=1
MAX_LATENCY_MS=1600 # one poll interval plus a margin for the poll and the trap's two hops
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# An unknown word in --traps is a clear error at start.
if out=$("$AGENTX_BIN" -f -c /dev/null --traps conn,bogus 2>&1); then
  fail "--traps conn,bogus was accepted"
fi
echo "$out" | grep -q '"bogus"' || fail "--traps error does not name the word: $out"

# ---- the files -------------------------------------------------------------
S=$T/status
G=$T/traffic
A=$D/v4.10__ikev2-delete-01__west__2.txt # IKE SA #1 and Child SA #2, up
traffic() { # serial
  echo "006 #$1: \"$CONN\", type=ESP, add_time=1234567890, inBytes=84, outBytes=84, maxBytes=2^63B, id='@east'"
}
# Replace the files whole (rename), as a poll must never see half a file.
put() { # status-text traffic-text
  printf '%s\n' "$1" >"$S.new" && mv "$S.new" "$S"
  printf '%s\n' "$2" >"$G.new" && mv "$G.new" "$G"
}
with_child() { sed -E "s/#2\\b/#$1/g" "$A"; }
without_child() { grep -v '#2[: ]' "$A" | sed -E 's/eroute owner: #2/eroute owner: #0/'; }
# The 5.4 road-warrior instance, renumbered above the serials already used.
roadwarrior() { sed -E 's/#1\b/#11/g; s/#2\b/#12/g' "$D/v5.4__whack-deleteuser-01__east__1.txt"; }

put "$(cat "$A")" "$(traffic 2)"

lsw_start_trapd
lsw_start_snmpd
# --fail-after 1: step 5 wants lsCollectorFailed within one poll interval
lsw_start_agent --status-file "$S" --traffic-file "$G" --interval $INTERVAL --traps all --fail-after 1
lsw_wait_for 10 "snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsConnUpCount.0 | grep -qx 1" ||
  lsw_fail "the first snapshot was not served: $(cat "$AGENT_LOG")"

# ---- reading the receiver's log ----------------------------------------------
# snmptrapd -On prints a header line, then one line of tab-separated varbinds
# per notification. Ours are the lines whose snmpTrapOID is under lsNotifications;
# snmpd's own coldStart and nsNotifyShutdown are left out.
our_traps() { grep -F ".1.3.6.1.6.3.1.1.4.1.0 = OID: $TRAP_PREFIX" "$TRAP_LOG"; }
trap_count() { our_traps | wc -l; }
trap_types() { our_traps | sed -E "s/.*\\.1\\.3\\.6\\.1\\.6\\.3\\.1\\.1\\.4\\.1\\.0 = OID: ${TRAP_PREFIX//./\\.}([0-9]+).*/\\1/" | tr '\n' ' '; }
nth_trap() { our_traps | sed -n "${1}p"; }

CI=$(lsw_conn_index "$CONN" "")

# has N "OID = VALUE"...: the Nth trap of ours carries these varbinds.
has() {
  local n=$1 line vb
  shift
  line=$(nth_trap "$n")
  for vb in "$@"; do
    case "$line" in
    *"$vb"*) ;;
    *) fail "trap $n lacks '$vb': $line" ;;
    esac
  done
}

LATENCIES=()
# expect STEP "TYPES": after a change made at $T0, wait for exactly these
# trap types (last sub-identifiers), in order, then one more poll for extras.
expect() {
  local step=$1 want=$2 before=$3 n t1 ms got
  n=$((before + $(wc -w <<<"$want")))
  while :; do
    [ "$(trap_count)" -ge "$n" ] && break
    t1=$EPOCHREALTIME
    ms=$(awk -v a="$T0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
    if [ "$ms" -gt 5000 ]; then
      fail "$step: waited 5 s for traps '$want', got '$(trap_types)'"
      return
    fi
    sleep 0.01
  done
  t1=$EPOCHREALTIME
  ms=$(awk -v a="$T0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
  LATENCIES+=("$step=${ms}ms")
  lsw_log "$step: $want after $ms ms"
  [ "$ms" -le $MAX_LATENCY_MS ] || fail "$step: first traps after $ms ms (> $MAX_LATENCY_MS)"
  sleep $((INTERVAL + 1)) # one more poll: nothing else may come
  got=$(our_traps | tail -n +$((before + 1)) | sed -E "s/.*\\.1\\.3\\.6\\.1\\.6\\.3\\.1\\.1\\.4\\.1\\.0 = OID: ${TRAP_PREFIX//./\\.}([0-9]+).*/\\1/" | tr '\n' ' ')
  [ "$got" = "$want " ] || fail "$step: traps '$got', expected '$want '"
}

change() { T0=$EPOCHREALTIME; put "$1" "$2"; }

# ---- 1. the Child SA disappears: lsIpsecSaDeleted (old values), lsConnDown ---
sleep 1.2 # a poll of the unchanged files first: no trap
[ "$(trap_count)" = 0 ] || fail "traps before any change: $(trap_types)"
change "$(without_child)" ""
expect child-deleted "6 2" 0
# Every declared object is an lsEvent* column of the event row (E.col.N).
E=$LS.1.5.2.1
has 1 ".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0.6" \
  "$E.2.1 = STRING: " \
  "$E.4.1 = STRING: $CONN" \
  "$E.7.1 = Gauge32: 2" \
  "$E.8.1 = Gauge32: 1" \
  "$E.16.1 = INTEGER: ipv4(1)" \
  "$E.17.1 = Hex-STRING: C0 01 02 17" \
  "$E.12.1 = STRING: STATE_V2_ESTABLISHED_CHILD_SA" \
  "$E.10.1 = INTEGER: established(2)" \
  "$E.18.1 = STRING: @east" \
  "$E.21.1 = STRING: @east"
has 2 ".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0.2" \
  "$E.4.2 = STRING: $CONN" \
  "$E.14.2 = INTEGER: up(3)" \
  "$E.15.2 = INTEGER: connecting(2)" \
  "$E.16.2 = INTEGER: ipv4(1)" \
  "$E.17.2 = Hex-STRING: C0 01 02 17" \
  "$E.21.2 = STRING: @east" \
  "$LS.1.2.1.3.$CI = INTEGER: connecting(2)"
# The first varbind after snmpTrapOID is lsEventDateAndTime of its event row.
case "$(nth_trap 1)" in
*".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0.6"$'\t'"$LS.1.5.2.1.2.1 = "*) ;;
*) fail "trap 1: varbinds not in order (snmpTrapOID, lsEventDateAndTime.1, ...)" ;;
esac

# ---- 2. the connection comes back with a new Child SA #3 --------------------
change "$(with_child 3)" "$(traffic 3)"
expect conn-up "5 1" 2
has 3 "$E.4.3 = STRING: $CONN" "$E.7.3 = Gauge32: 3" "$E.8.3 = Gauge32: 1" "$E.11.3 = INTEGER: established(2)"
has 4 "$E.14.4 = INTEGER: connecting(2)" "$E.15.4 = INTEGER: up(3)" "$LS.1.2.1.3.$CI = INTEGER: up(3)"

# ---- 3. a rekey: #4 replaces #3; no lsConnDown/lsConnUp ----------------------
change "$(with_child 4)" "$(traffic 4)"
expect rekey "12" 4
has 5 "$E.4.5 = STRING: $CONN" "$E.7.5 = Gauge32: 4" "$E.9.5 = Gauge32: 3"

# ---- 4. a road-warrior instance "xauth-road-eastnet"[1] comes up (IKEv1) -----
RW=$(roadwarrior)
change "$(with_child 4)"$'\n'"$RW" "$(traffic 4)"
expect instance-up "3 5 1" 5
RI=$(lsw_conn_index xauth-road-eastnet "[1]")
has 6 "$E.4.6 = STRING: xauth-road-eastnet" "$E.5.6 = STRING: [1]" "$E.7.6 = Gauge32: 11" \
  "$E.17.6 = Hex-STRING: C0 01 03 D1" "$E.11.6 = INTEGER: established(2)"
has 7 "$E.7.7 = Gauge32: 12" "$E.8.7 = Gauge32: 11" "$E.5.7 = STRING: [1]"
has 8 "$E.4.8 = STRING: xauth-road-eastnet" "$E.5.8 = STRING: [1]" \
  "$E.14.8 = INTEGER: down(1)" "$E.15.8 = INTEGER: up(3)" "$E.17.8 = Hex-STRING: C0 01 03 D1"
# This instance has SA lines but no connection line: no lsConnTable row,
# so no lsConnOperStatus varbind that would name a row that is not there.
case "$(nth_trap 8)" in *"$LS.1.2.1.3.$RI = "*) fail "trap 8 names a row that does not exist" ;; esac

# ---- 5. pluto stops answering: one lsCollectorFailed, no lsConnDown ----------
# (garbage, as a file: "whack: Pluto is not running" is a line the parser
# knows, and only the real command's exit status makes that a failed poll)
change "$(printf 'connect: Connection refused\n\x01\x02 garbage %%%%\n')" ""
expect collector-failed "8" 8
has 9 "$LS.1.1.2.0 = INTEGER: stale(2)" "$LS.1.1.20.0 = STRING: "
rm -f "$S" # unreadable now: still the same outage, no second trap
sleep $((INTERVAL * 2 + 1))
[ "$(trap_count)" = 9 ] || fail "more traps during the outage: $(trap_types)"
snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsCollectorStatus.0 | grep -qx stale ||
  fail "lsCollectorStatus is not stale during the outage"

# ---- 6. pluto answers again, nothing changed meanwhile: lsCollectorRecovered --
change "$(with_child 4)"$'\n'"$RW" "$(traffic 4)"
expect collector-recovered "9" 9
has 10 "$LS.1.1.2.0 = INTEGER: ok(1)"

# ---- lsEventTable holds all of it, in order ----------------------------------
got=$(snmpwalk $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsEventType 2>/dev/null | tr '\n' ' ')
want="ipsecSaDeleted connDown ipsecSaEstablished connUp ipsecSaRekeyed ikeSaEstablished ipsecSaEstablished connUp collectorFailed collectorRecovered "
[ "$got" = "$want" ] || fail "lsEventType: '$got', expected '$want'"
got=$(snmpwalk $SNMP_OPTS -Oqn LIBRESWAN-STATUS-MIB::lsEventType 2>/dev/null | awk '{ sub(/.*\./, "", $1); printf "%s ", $1 }')
[ "$got" = "1 2 3 4 5 6 7 8 9 10 " ] || fail "lsEventIndex: '$got'"
snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsEventLastIndex.0 | grep -qx 10 || fail "lsEventLastIndex is not 10"
snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsEventReplacedSerial.5 | grep -qx 3 || fail "lsEventReplacedSerial.5 is not 3"
snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsEventNotified.10 | grep -qx sent || fail "lsEventNotified.10 is not sent"
snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsTrapsSent.0 | grep -qx 10 || fail "lsTrapsSent is not 10"
snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsTrapsDropped.0 | grep -qx 0 || fail "lsTrapsDropped is not 0"
# A GET of a row that is not there, and the table is read-only.
snmpget $SNMP_OPTS LIBRESWAN-STATUS-MIB::lsEventType.11 2>&1 | grep -q 'No Such Instance' ||
  fail "lsEventType.11 exists"
snmpset -v2c -c private -t 3 -r 0 "127.0.0.1:$SNMPD_PORT" LIBRESWAN-STATUS-MIB::lsEventText.1 s x 2>&1 |
  grep -qi 'notWritable\|noAccess\|not writable' || fail "SET on lsEventText was not refused"

echo "latency from file change to trap at the receiver (interval ${INTERVAL}s): ${LATENCIES[*]}"

# ---- latency at a random phase of the poll timer -----------------------------
# The steps above change the files right after a poll (they wait for one),
# so they show the worst case. Here the tunnel flaps at random moments: the
# spread is the poll interval, the minimum is the agent's own cost plus the
# two hops (AgentX to snmpd, UDP to snmptrapd).
samples=()
change "$(with_child 20)" "$(traffic 20)" # the instance goes, #20 replaces #4
sleep $((INTERVAL * 2 + 1))
n=$(trap_count)
for i in 1 2 3 4 5 6 7 8; do
  sleep "0.$((RANDOM % 1000))"
  if ((i % 2)); then change "$(without_child)" ""; else change "$(with_child $((20 + i)))" "$(traffic $((20 + i)))"; fi
  n=$((n + 2))
  until [ "$(trap_count)" -ge $n ]; do # 10 ms steps: lsw_wait_for's 100 ms would blur the figure
    [ "$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { print (b - a > 5) }')" = 0 ] || break
    sleep 0.01
  done
  [ "$(trap_count)" -ge $n ] || { fail "flap $i: no traps"; break; }
  samples+=("$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')")
done
stats=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{ v[NR] = $1; s += $1 } END { printf "min %d ms, median %d ms, mean %d ms, max %d ms over %d flaps", v[1], v[int((NR + 1) / 2)], s / NR, v[NR], NR }')
echo "latency at a random phase (interval ${INTERVAL}s): $stats"
for ms in "${samples[@]}"; do
  [ "$ms" -le $MAX_LATENCY_MS ] || fail "a flap took $ms ms (> $MAX_LATENCY_MS)"
done
[ "$failures" = 0 ] || { cat "$AGENT_LOG"; lsw_fail "$failures checks failed"; }
echo "traps: all checks passed"
