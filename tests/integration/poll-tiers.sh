#!/usr/bin/env bash
# poll-tiers: which command each poll runs (a stand-in ipsec logs it):
#   - the first poll is full (whack --status), the next ones light
#     (--showstates), a full one again after full-interval, and the rows
#     stay what the full listing said (light polls keep the connections);
#   - a light poll whose states name a connection not listed yet brings a
#     full poll at once, not at the next interval, and its row;
#   - SIGHUP makes the next poll full;
#   - a whack without --showstates (3.x): two light polls fail, each
#     retried as full within the poll (no failed poll), then every poll is
#     full, logged once.
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_start_snmpd

cp "$D/uml-03-up.west.status.txt" "$T/status.txt"
cp "$D/uml-03-up.west.trafficstatus.txt" "$T/traffic.txt"
# A connection added later (a copy of v2-transport's lines) with a state.
NEW_STATE='000 #99: "added-later":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in 3000s; newest; idle;'
{
  grep '^000 "v2-transport"' "$T/status.txt" | sed 's/"v2-transport"/"added-later"/'
  echo "$NEW_STATE"
} >"$T/added.txt"
echo ok >"$T/mode"
# Logs "SECONDS.FRACTION COMMAND" per call; --showstates prints the state
# lines of the status as pluto does; mode nostates: a whack without it.
cat >"$T/ipsec" <<SH
#!/bin/bash
mode=\$(cat "$T/mode")
case "\$*" in
  *--trafficstatus*) echo "\$EPOCHREALTIME traffic" >>"$T/calls"; cat "$T/traffic.txt" ;;
  *--showstates*)
    echo "\$EPOCHREALTIME states" >>"$T/calls"
    if [ "\$mode" = nostates ]; then
      echo "whack: unrecognized option '--showstates'" >&2
      exit 1
    fi
    grep -E '^(000 )?#[0-9]+: ' "$T/status.txt"
    [ -f "$T/added" ] && echo '$NEW_STATE'
    exit 0 ;;
  *--status*)
    echo "\$EPOCHREALTIME status" >>"$T/calls"
    cat "$T/status.txt"
    [ -f "$T/added" ] && cat "$T/added.txt"
    exit 0 ;;
esac
SH
chmod +x "$T/ipsec"
: >"$T/calls"

# The first command of each poll ("status" or "states"), from line $1 on.
polls() { tail -n +"${1:-1}" "$T/calls" | awk '$2 != "traffic" { print $2 }'; }
mark() { grep -c . "$T/calls"; }

printf 'interval = 0.5\nfull-interval = 2.5\ntimeout = 5\n' >"$T/tiers.conf"
lsw_start_agent --ipsec "$T/ipsec" -c "$T/tiers.conf"
lsw_wait_for 20 "[ \$(polls | grep -c .) -ge 12 ]" || { cat "$T/calls" "$AGENT_LOG"; lsw_fail "no 12 polls"; }
seq=$(polls | head -n 12 | tr '\n' ' ')
echo "polls: $seq"
[ "$(polls | head -n1)" = status ] || lsw_fail "the first poll is not full: $seq"
[ "$(polls | sed -n 2p)" = states ] || lsw_fail "the second poll is not light: $seq"
# full-interval / interval = 5: one full poll in five (the timer's jitter
# may move one by a poll)
runs=$(polls | head -n 12 | awk '$1 == "status" { if (n) print n; n = 0; next } { n++ }' | tr '\n' ' ')
echo "light polls between full ones: $runs"
for r in $runs; do
  [ "$r" -ge 3 ] && [ "$r" -le 5 ] || lsw_fail "$r light polls between two full ones, want 4 (+-1): $seq"
done
[ -n "$runs" ] || lsw_fail "no second full poll in 12 polls: $seq"
lsw_expect lsConnCount.0 6
lsw_expect lsIpsecSaCount.0 5
lsw_expect lsPollFailures.0 0
echo "ok first full, then light, full every full-interval"

lsw_log "a state of a connection not listed: a full poll at once"
m=$(mark)
touch "$T/added"
lsw_wait_for 10 "[ \"\$(lsw_get lsConnCount.0)\" = 7 ]" || { tail -n +$m "$T/calls"; lsw_fail "no row for the new connection"; }
# the first light poll that printed it, then --status right after its
# trafficstatus, well before the next interval (0.5 s)
gap=$(tail -n +"$((m + 1))" "$T/calls" | awk '
  $2 == "states" && !seen { seen = 1; next }
  seen && $2 == "traffic" && !t { t = $1; next }
  t && $2 == "status" { printf "%d", ($1 - t) * 1000; exit }
  t && $2 == "states" { print "light"; exit }')
echo "full poll ${gap} ms after the light poll's trafficstatus"
case $gap in ''|light) tail -n +$m "$T/calls"; lsw_fail "no full poll right after the light one" ;; esac
[ "$gap" -lt 350 ] || lsw_fail "the full poll came $gap ms later, not at once"
lsw_expect lsPollFailures.0 0
echo "ok full poll at once for a new connection"

lsw_log "SIGHUP: the next poll is full"
printf 'interval = 0.5\nfull-interval = 3600\ntimeout = 5\n' >"$T/tiers.conf"
kill -HUP "$AGENT_PID"
lsw_wait_for 5 "grep -q 'configuration reloaded' '$AGENT_LOG'" || lsw_fail "no reload"
sleep 3
m=$(mark)
lsw_wait_for 10 "[ \$(polls $((m + 1)) | grep -c .) -ge 4 ]" || lsw_fail "no 4 polls"
[ "$(polls $((m + 1)) | sort -u | tr -d '\n')" = states ] || lsw_fail "full polls at full-interval 3600: $(polls $((m + 1)) | tr '\n' ' ')"
m=$(mark)
kill -HUP "$AGENT_PID"
lsw_wait_for 10 "[ \$(polls $((m + 1)) | grep -c .) -ge 3 ]" || lsw_fail "no 3 polls after SIGHUP"
seq=$(polls $((m + 1)) | head -n 3 | tr '\n' ' ')
echo "polls after SIGHUP: $seq"
# a poll may have been under way when the signal came
case $seq in status*|"states status"*) ;; *) lsw_fail "no full poll after SIGHUP: $seq" ;; esac
echo "ok SIGHUP"

lsw_log "a whack without --showstates: full polls for good"
f0=$(lsw_get lsPollFailures.0)
m=$(mark)
echo nostates >"$T/mode"
lsw_wait_for 15 "grep -q 'every poll is a full one from now on' '$AGENT_LOG'" || { cat "$AGENT_LOG"; lsw_fail "no fallback"; }
grep 'showstates failed twice' "$AGENT_LOG"
sleep 2
m2=$(mark)
lsw_wait_for 10 "[ \$(polls $((m2 + 1)) | grep -c .) -ge 3 ]" || lsw_fail "no polls after the fallback"
[ "$(polls $((m2 + 1)) | sort -u | tr -d '\n')" = status ] || lsw_fail "still light polls: $(polls $((m2 + 1)) | tr '\n' ' ')"
[ "$(grep -c 'every poll is a full one' "$AGENT_LOG")" = 1 ] || lsw_fail "fallback logged more than once"
lsw_expect lsPollFailures.0 "$f0"
lsw_expect lsCollectorStatus.0 ok
lsw_expect lsConnCount.0 7
echo "ok fallback to full polls, no failed poll"
echo PASS
