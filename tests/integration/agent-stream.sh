#!/usr/bin/env bash
# agent-stream: the collector parses whack's output piece by piece as it is
# drained from the pipe. An ipsec that writes a real status in odd-sized
# pieces with pauses (lines, and the first line, cut anywhere; no final
# newline before trafficstatus) must give exactly the tables of the same
# files read whole (--status-file); the failure rules still see the whole
# output (the first line of a non-status, max-output over all pieces);
# a fractional interval (tests only) polls ten times a second while
# lsPollInterval says 1.
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_start_snmpd

# The three tables, numeric OIDs, one varbind a line; TimeTicks (agent
# uptime at a row's last change) differ between two agents and are masked.
walk_tables() {
  local t
  for t in lsConnTable lsIkeSaTable lsIpsecSaTable; do
    snmpbulkwalk $SNMP_OPTS -On -Oq "LIBRESWAN-STATUS-MIB::$t" || lsw_fail "walk $t"
  done | sed -E 's/ [0-9]+:[0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{2}$/ TICKS/'
}
stop_agent() {
  kill "$AGENT_PID"
  wait "$AGENT_PID" 2>/dev/null
}

S=$T/status.txt TR=$T/traffic.txt
# The real UML capture without its final newline: the parser must not glue
# its last line to the first trafficstatus line.
head -c -1 "$D/uml-03-up.west.status.txt" >"$S"
cp "$D/uml-03-up.west.trafficstatus.txt" "$TR"

lsw_log "whole files (--status-file)"
lsw_start_agent --status-file "$S" --traffic-file "$TR" --interval 3600
lsw_wait_for 10 "[ \"\$(lsw_get lsPollSuccesses.0)\" -ge 1 ]" || lsw_fail "no poll"
walk_tables >"$T/whole.txt"
stop_agent
rows=$(grep -c . "$T/whole.txt")
[ "$rows" -gt 100 ] || lsw_fail "only $rows varbinds in the tables"

# --showstates: the state lines of the status, as pluto prints them.
grep -E '^(000 )?#[0-9]+: ' "$S" >"$T/states.txt"
# FILE written in PIECE-byte pieces, PAUSE seconds apart.
cat >"$T/ipsec" <<SH
#!/bin/bash
pieces() {
  local size off=0
  size=\$(stat -c %s "\$1")
  while [ \$off -lt \$size ]; do
    tail -c +\$((off + 1)) "\$1" | head -c \$2
    off=\$((off + \$2))
    sleep \$3
  done
}
mode=\$(cat "$T/mode")
case "\$*" in
  *--trafficstatus*)
    case \$mode in
      fast) exec cat "$TR" ;;
      pieces) pieces "$TR" 97 0.02 ;;
      nopluto) exec cat "$D/ns-00-nopluto.west.status.txt" ;;
    esac ;;
  *--showstates*)
    case \$mode in
      fast) exec cat "$T/states.txt" ;;
      pieces) pieces "$T/states.txt" 701 0.01 ;;
      nopluto) pieces "$D/ns-00-nopluto.west.status.txt" 5 0.01 ;;
    esac ;;
  *--status*)
    case \$mode in
      fast) exec cat "$S" ;;
      pieces) pieces "$S" 701 0.01 ;;
      nopluto) pieces "$D/ns-00-nopluto.west.status.txt" 5 0.01 ;;
    esac ;;
esac
SH
chmod +x "$T/ipsec"

lsw_log "the same text through whack, in pieces"
echo pieces >"$T/mode"
lsw_start_agent --ipsec "$T/ipsec" --timeout 30
lsw_wait_for 20 "[ \"\$(lsw_get lsPollSuccesses.0)\" -ge 1 ]" || { cat "$AGENT_LOG"; lsw_fail "no poll"; }
walk_tables >"$T/pieces.txt"
diff -u "$T/whole.txt" "$T/pieces.txt" || lsw_fail "the tables differ between whole files and pieces"
echo "ok $rows varbinds the same as from whole files"
# The capture's own figures (lswstat --summary: connections=6 up=5
# child_sas=5; trafficstatus: #10 "v1-tunnel" inBytes=168).
lsw_expect lsConnCount.0 6
lsw_expect lsConnUpCount.0 5
lsw_expect lsIpsecSaCount.0 5
lsw_expect lsIpsecSaInOctets.10 168
lsw_expect lsPollFailures.0 0

# Options come from the config file (lsw_start_agent's -c $T/empty.conf):
# SIGHUP applies them without a restart.
reload() {
  printf '%s\n' "$@" >"$T/empty.conf"
  kill -HUP "$AGENT_PID"
}

# Pluto not running: whack prints one line (exit 0 here, so that the parse
# rules decide), the status in 5-byte pieces.
lsw_log "a non-status in 5-byte pieces: its whole first line in the error"
echo nopluto >"$T/mode"
reload 'interval = 1' 'timeout = 30'
lsw_wait_for 20 "[ \"\$(lsw_get lsCollectorStatus.0)\" = stale ]" || { cat "$AGENT_LOG"; lsw_fail "not stale: $(lsw_get lsLastError.0)"; }
want="no connection, SA or total found in 2 lines: $(head -n1 "$D/ns-00-nopluto.west.status.txt")"
got=$(lsw_get lsLastError.0)
[ "$got" = "$want" ] || lsw_fail "lsLastError: got '$got', want '$want'"
echo "ok lsLastError = $got"
lsw_expect lsConnCount.0 6

lsw_log "max-output counts the bytes of all pieces"
echo pieces >"$T/mode"
reload 'interval = 1' 'timeout = 30' 'max-output = 8192'
lsw_wait_for 20 "lsw_get lsLastError.0 | grep -q 'whack --status printed more than max-output (8192 bytes)'" \
  || lsw_fail "no max-output failure: $(lsw_get lsLastError.0)"
lsw_expect lsCollectorStatus.0 stale
lsw_expect lsConnCount.0 6

lsw_log "interval 0.1: ten polls a second, lsPollInterval rounds up to 1"
echo fast >"$T/mode"
reload 'interval = 0.1' 'timeout = 30'
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "not ok: $(lsw_get lsLastError.0)"
lsw_expect lsPollInterval.0 1
p0=$(lsw_get lsPollSuccesses.0)
sleep 2
p1=$(lsw_get lsPollSuccesses.0)
echo "polls in 2 s: $((p1 - p0))"
[ $((p1 - p0)) -ge 10 ] || lsw_fail "only $((p1 - p0)) polls in 2 s at interval 0.1"
[ $((p1 - p0)) -le 21 ] || lsw_fail "$((p1 - p0)) polls in 2 s at interval 0.1"
grep -q 'configuration reloaded (interval 0.1 s)' "$AGENT_LOG" || { cat "$AGENT_LOG"; lsw_fail "reload not logged"; }
walk_tables >"$T/fast.txt"
diff -u "$T/whole.txt" "$T/fast.txt" || lsw_fail "the tables differ at interval 0.1"
stop_agent
echo "PASS"
