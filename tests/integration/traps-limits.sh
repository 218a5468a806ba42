#!/usr/bin/env bash
# Notifications under limits: the default trap classes (conn,collector), a
# rate limit of 1 per poll (trap-rate-limit), and an event history of 4
# rows (event-history) that wraps. The agent starts while "pluto" gives
# garbage (lsCollectorFailed, failed(3): no snapshot yet), then it answers
# (lsCollectorRecovered, and no connection events for a first snapshot).
# Two tunnels go down in one poll: five events, all recorded; the SA ones
# are filtered, the first lsConnDown is sent, the second dropped and
# counted; the table keeps the newest four and GETNEXT finds its way around
# the rows that fell out.
. "$(dirname "$0")/../lib.sh"
lsw_require snmpd snmptrapd snmpwalk snmpget snmpgetnext
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
lsw_setup

D=$LSW_TOP/tests/data/diff
LS=.1.3.6.1.4.1.41286.1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

S=$T/status
A=$D/v4.10__ikev2-delete-01__west__2.txt # "westnet-eastnet-ipv4-psk-ikev2": IKE SA #1, Child SA #2
# The 5.4 road-warrior instance "xauth-road-eastnet"[1], renumbered #11/#12.
RW=$(sed -E 's/#1\b/#11/g; s/#2\b/#12/g' "$D/v5.4__whack-deleteuser-01__east__1.txt")
put() { printf '%s\n' "$1" >"$S.new" && mv "$S.new" "$S"; }

put "$(printf 'connect: Connection refused\n\x01 garbage\n')"
cat >"$T/agent.conf" <<EOF
# the keys of the config file, not options
trap-rate-limit = 1
event-history = 4
EOF

lsw_start_trapd
lsw_start_snmpd
# lsw_start_agent passes its own -c; a later -c on the command line wins.
lsw_start_agent --status-file "$S" --interval 1 -c "$T/agent.conf" --fail-after 1

our_traps() { grep -F ".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0." "$TRAP_LOG"; }
lsw_wait_for 5 "[ \$(our_traps | wc -l) -ge 1 ]" || fail "no lsCollectorFailed at start"
our_traps | sed -n 1p | grep -qF "OID: $LS.0.8	" || fail "trap 1 is not lsCollectorFailed: $(our_traps)"
our_traps | sed -n 1p | grep -qF "$LS.1.1.2.0 = INTEGER: failed(3)" || fail "trap 1: not failed(3): $(our_traps)"
our_traps | sed -n 1p | grep -qF "$LS.1.1.20.0 = STRING: none of the" || fail "trap 1: no lsLastError: $(our_traps)"

put "$(cat "$A")"$'\n'"$RW"
lsw_wait_for 10 "snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsIpsecSaCount.0 | grep -qx 2" ||
  lsw_fail "the first snapshot was not served: $(cat "$AGENT_LOG")"
# The table can be served before snmptrapd has written the trap sent in the
# same poll (CI saw that race): wait for the trap itself.
lsw_wait_for 5 "[ \$(our_traps | wc -l) -ge 2 ]" || fail "no second trap"
our_traps | sed -n 2p | grep -qF "OID: $LS.0.9	" || fail "trap 2 is not lsCollectorRecovered: $(our_traps)"
our_traps | sed -n 2p | grep -qF "$LS.1.1.2.0 = INTEGER: ok(1)" || fail "trap 2: not ok(1): $(our_traps)"

# Both tunnels go: the Child SA of the first (its IKE SA stays), all of the instance.
put "$(grep -v '#2[: ]' "$A" | sed -E 's/eroute owner: #2/eroute owner: #0/')"
lsw_wait_for 5 "[ \$(our_traps | wc -l) -ge 3 ]" || fail "no lsConnDown"
sleep 2.5 # two more polls: nothing else may come
n=$(our_traps | wc -l)
[ "$n" = 3 ] || fail "$n traps, expected 3: $(our_traps)"
our_traps | sed -n 3p | grep -qF "OID: $LS.0.2	" || fail "trap 3 is not lsConnDown: $(our_traps)"
our_traps | sed -n 3p | grep -qF "$LS.1.5.2.1.4.6 = STRING: westnet-eastnet-ipv4-psk-ikev2" ||
  fail "lsConnDown is not event 6 of westnet-eastnet-ipv4-psk-ikev2: $(our_traps)"

get() { snmpget $SNMP_OPTS -Oqv "LIBRESWAN-STATUS-MIB::$1" 2>/dev/null; }
[ "$(get lsTrapsSent.0)" = 3 ] || fail "lsTrapsSent = $(get lsTrapsSent.0), expected 3"
[ "$(get lsTrapsDropped.0)" = 1 ] || fail "lsTrapsDropped = $(get lsTrapsDropped.0), expected 1"
[ "$(get lsEventLastIndex.0)" = 7 ] || fail "lsEventLastIndex = $(get lsEventLastIndex.0), expected 7"

# Events 1..7; the ring of 4 keeps 4..7.
got=$(snmpwalk $SNMP_OPTS -Oq LIBRESWAN-STATUS-MIB::lsEventNotified 2>/dev/null | sed 's/.*lsEventNotified\.//' | tr '\n' ' ')
want="4 filtered 5 filtered 6 sent 7 rateLimited "
[ "$got" = "$want" ] || fail "lsEventNotified: '$got', expected '$want'"
got=$(snmpwalk $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsEventType 2>/dev/null | tr '\n' ' ')
want="ipsecSaDeleted ikeSaDeleted connDown connDown "
[ "$got" = "$want" ] || fail "lsEventType: '$got', expected '$want'"
[ "$(get lsEventSerial.4)" = 12 ] || fail "lsEventSerial.4 = $(get lsEventSerial.4), expected 12"
[ "$(get lsEventConnInstance.7)" = '[1]' ] || fail "lsEventConnInstance.7 = $(get lsEventConnInstance.7)"
get lsEventType.3 | grep -q 'No Such Instance' || fail "event 3 is still there: $(get lsEventType.3)"

# GETNEXT: from the index column, from a row that fell out, from past the
# index, from the last row of a column, from the last column.
getnext() { snmpgetnext $SNMP_OPTS -On "LIBRESWAN-STATUS-MIB::$1" 2>/dev/null | cut -d' ' -f1; }
while read -r from want; do
  got=$(getnext "$from")
  [ "$got" = "$want" ] || fail "GETNEXT $from: $got, expected $want"
done <<EOF
lsEventEntry.1.5 $LS.1.5.2.1.2.4
lsEventType.1 $LS.1.5.2.1.3.4
lsEventType.5.7 $LS.1.5.2.1.3.6
lsEventType.7 $LS.1.5.2.1.4.4
lsEventType.4294967295 $LS.1.5.2.1.4.4
lsEventLastIndex.0 $LS.1.5.2.1.2.4
EOF
last=$(getnext lsEventConnRemoteId.7)
case "$last" in
$LS.1.5.2.*) fail "GETNEXT past the table stays in it: $last" ;;
esac

[ "$failures" = 0 ] || { cat "$AGENT_LOG"; lsw_fail "$failures checks failed"; }
echo "traps-limits: all checks passed"
