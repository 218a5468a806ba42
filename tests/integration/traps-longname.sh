#!/usr/bin/env bash
# Every notification carries every object its NOTIFICATION-TYPE declares,
# whatever the length of the connection name. A real status file (4.10,
# IKE SA #1 and Child SA #2) with its connection renamed to 120 octets,
# past what an lsConnTable index can hold (90): the Child SA and the IKE SA
# are deleted and the connection goes down. lsIpsecSaDeleted, lsIkeSaDeleted
# and lsConnDown reach a real snmptrapd, each with all of the OBJECTS the
# MIB declares for it (read from the MIB itself), and the agent logs the
# connection it cannot serve once, by name, not at every poll.
. "$(dirname "$0")/../lib.sh"
lsw_require snmpd snmptrapd snmpget snmptranslate
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
export MIBS=LIBRESWAN-STATUS-MIB
lsw_setup

MIB=$LSW_TOP/mibs/LIBRESWAN-STATUS-MIB.txt
A=$LSW_TOP/tests/data/diff/v4.10__ikev2-delete-01__west__2.txt
OLD=westnet-eastnet-ipv4-psk-ikev2
LONG=$(printf 'long-%.0s' $(seq 23))12345 # 23 x 5 + 5 = 120 octets
[ ${#LONG} = 120 ] || lsw_fail "the name is ${#LONG} octets"
LS=.1.3.6.1.4.1.41286.1
S=$T/status
put() { printf '%s\n' "$1" | sed "s/\"$OLD\"/\"$LONG\"/g" >"$S.new" && mv "$S.new" "$S"; }
our_traps() { grep -F ".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0." "$TRAP_LOG"; }
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The declared OBJECTS of a notification, as numeric OIDs, from the MIB.
declared() {
  local o
  for o in $(awk -v n="$1" '
    $1 == n && $2 == "NOTIFICATION-TYPE" { on = 1; next }
    on && /OBJECTS/ { grab = 1 }
    grab { line = line " " $0; if ($0 ~ /}/) { print line; exit } }' "$MIB" |
    sed 's/.*{//; s/}.*//; s/,/ /g'); do
    snmptranslate -On -m LIBRESWAN-STATUS-MIB "LIBRESWAN-STATUS-MIB::$o" || lsw_fail "snmptranslate $o"
  done
}

put "$(cat "$A")"
lsw_start_trapd
lsw_start_snmpd
lsw_start_agent --status-file "$S" --interval 1 --traps all
lsw_wait_for 10 "[ \"\$(lsw_get lsConnsNotServed.0)\" = 1 ]" ||
  lsw_fail "the 120-octet connection is not counted in lsConnsNotServed"
lsw_expect lsConnCount.0 0
lsw_expect lsIkeSaCount.0 1

lsw_log "the Child SA and the IKE SA go, the connection goes down"
put "$(grep -v '#[12][: ]' "$A" | sed -E 's/eroute owner: #2/eroute owner: #0/')"
lsw_wait_for 10 "[ \$(our_traps | wc -l) -ge 3 ]" || lsw_fail "traps: $(our_traps)"
sleep 2 # two more polls: the name must not be logged again

for pair in lsIpsecSaDeleted:6 lsIkeSaDeleted:4 lsConnDown:2; do
  name=${pair%%:*} sub=${pair##*:}
  line=$(our_traps | grep -F "OID: $LS.0.$sub"$'\t' | head -1)
  [ -n "$line" ] || { fail "no $name"; continue; }
  idx=$(sed -E "s/.*OID: ${LS//./\\.}\\.0\\.$sub\t${LS//./\\.}\\.1\\.5\\.2\\.1\\.2\\.([0-9]+) = .*/\\1/" <<<"$line")
  [[ $idx =~ ^[0-9]+$ ]] || { fail "$name: no lsEventDateAndTime first: $line"; continue; }
  n=0
  for oid in $(declared "$name"); do
    n=$((n + 1))
    case "$line" in
    *"$oid.$idx = "*) ;;
    *) fail "$name lacks $oid.$idx: $line" ;;
    esac
  done
  [ "$n" -ge 8 ] || fail "$name: only $n declared objects read from the MIB"
  case "$line" in *"STRING: $LONG"*) ;; *) fail "$name does not carry the 120-octet name" ;; esac
  echo "ok $name (event $idx): all $n declared objects"
done
grep -q "$LS.1.5.2.1.21.[0-9]* = STRING: @east" <<<"$(our_traps)" || fail "no lsEventConnRemoteId @east"

n=$(grep -c "connection \"$LONG\" not served in lsConnTable" "$AGENT_LOG")
[ "$n" = 1 ] || fail "the connection is logged $n times, want once: $(grep -F "$LONG" "$AGENT_LOG" | head -3)"

[ "$failures" = 0 ] || { cat "$AGENT_LOG"; lsw_fail "$failures checks failed"; }
echo "traps-longname: all checks passed"
