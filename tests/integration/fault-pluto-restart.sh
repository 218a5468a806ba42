#!/usr/bin/env bash
# Fault: pluto restarts. Before: 20 tunnels with serials from #5001 (a
# pluto up for a while). After: 10 tunnels, serials start over at #1, so
# old and new serials overlap in meaning. The tables must show exactly the
# new SAs (no stale rows), lsEventTable a plutoRestarted(13) event, and no
# rekey events (a serial that went down is not a rekey of a new one).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
"$GEN" -V 4 -n 20 -b 5001 "$T/good.status" "$T/good.traffic"
"$GEN" -V 4 -n 10 -b 1 "$T/good2.status" "$T/good2.traffic"
fault_start_agent
fault_baseline
serials_before=$(serials_of lsIkeSaState)
case $serials_before in 5001\ *) ;; *) lsw_fail "serials before: $serials_before" ;; esac
ev0=$(get lsEventLastIndex)
s0=$(get lsPollSuccesses)
fault_mode ok2
wait_scalar lsPollSuccesses "v >= $s0 + 2" 10 || lsw_fail "no poll after the restart"
want_ike=$(grep -o '^000 #[0-9]*: "rw[^ ]* [^ ]* STATE_\(V2_ESTABLISHED_IKE_SA\|V2_PARENT_R1\|MAIN_R3\)' "$T/good2.status" \
  | sed 's/^000 #\([0-9]*\):.*/\1/' | sort -n | tr '\n' ' ')
got_ike=$(serials_of lsIkeSaState)
[ "$got_ike" = "$want_ike" ] || lsw_fail "lsIkeSaSerial after restart: '$got_ike', want '$want_ike'"
want_child=$(sed -n 's/^006 #\([0-9]*\):.*/\1/p' "$T/good2.traffic" | sort -n | tr '\n' ' ')
got_child=$(serials_of lsIpsecSaState)
[ "$got_child" = "$want_child" ] || lsw_fail "lsIpsecSaSerial after restart: '$got_child', want '$want_child'"
[ "$(get lsConnCount)" = 12 ] || lsw_fail "lsConnCount $(get lsConnCount), want 12"
[ "$(rows lsConnOperStatus)" = 12 ] || lsw_fail "lsConnTable rows $(rows lsConnOperStatus), want 12"
lsw_log "after restart: IKE SAs $got_ike"
# Events of this poll only.
types=$(snmpbulkwalk $SNMP_OPTS -Oqe LIBRESWAN-STATUS-MIB::lsEventType 2>/dev/null \
  | awk -v from="$ev0" '{ n = split($1, a, "."); if (a[n] + 0 > from + 0) print $2 }' | sort | uniq -c)
lsw_log "event types since #$ev0: $(echo $types)"
echo "$types" | awk '$2 == 13' | grep -q . || lsw_fail "no plutoRestarted(13) event"
if echo "$types" | awk '$2 == 11 || $2 == 12' | grep -q .; then lsw_fail "rekey events after a restart: $types"; fi
echo "PASS"
