# tests/faults/faultlib.bash - shared by the fault tests, tests/faults/*.sh and the
# fast ones in tests/integration/fault-*.sh (sourced after ../lib.sh;
# not a test itself: tests/run-tests runs only *.sh).
#
#   fault_setup                 temp dir, private snmpd, fixture files, fake ipsec
#   fault_mode MODE             what the fake ipsec does at the next poll
#   fault_start_agent [ARGS]    the agent on $T/ipsec, --interval 1 --timeout 2
#   fault_baseline              first poll good: rows and lsCollectorStatus ok(1)
#   fault_cycle MODE PATTERN    break, check stale + rows kept + why, repair, check ok
#
# The fixture is tests/bench/gen-status -n 20 (4.10 shape): 22 connections
# (two templates, 20 instances), 20 IKE SAs (one half-open), 19 IPsec SAs.
FAULT_CONNS=22
FAULT_IKE=20
FAULT_IPSEC=19
GEN=$LSW_TOP/tests/bench/gen-status

# Numeric enumerations, values only.
get() { snmpget $SNMP_OPTS -OqveU "LIBRESWAN-STATUS-MIB::$1.0" 2>/dev/null; }

# Number of rows of a table, counted on one column.
rows() { snmpbulkwalk $SNMP_OPTS -Cr25 -Oqv "LIBRESWAN-STATUS-MIB::$1" 2>/dev/null | grep -c .; }

# Wait up to $3 s for scalar $1 to satisfy the awk condition $2 on "v".
wait_scalar() {
  local name=$1 cond=$2 secs=$3 end v
  end=$(( $(date +%s) + secs ))
  while [ "$(date +%s)" -le "$end" ]; do
    v=$(get "$name")
    if [ -n "$v" ] && awk -v v="$v" "BEGIN { exit !($cond) }"; then return 0; fi
    sleep 0.2
  done
  echo "# $name = '${v:-}' after ${secs}s, wanted $cond"
  return 1
}

# Children of a pid: "PID STAT COMM" lines.
children_of() { ps -o pid=,stat=,comm= --ppid "$1" 2>/dev/null; }
zombies_of() { children_of "$1" | awk '$2 ~ /^Z/' | grep -c .; }

# The fake ipsec: what it does depends on $T/mode, read at every call.
# It logs "CALL <pid> <args>" to $T/calls.log. --showstates prints the
# state lines of the status (what pluto prints for it), or in the fault
# modes fails as --status does.
fault_write_ipsec() {
  cat >"$T/ipsec" <<EOF
#!/bin/sh
T='$T'
echo "CALL \$\$ \$*" >>"\$T/calls.log"
mode=\$(cat "\$T/mode")
# out BASE: BASE.status, BASE.traffic, or the states of BASE.status
out() {
  if [ \$what = states ]; then exec grep -E '^(000 )?#[0-9]+: ' "\$1.status"; fi
  exec cat "\$1.\$what"
}
case "\$*" in
  *--trafficstatus*) what=traffic ;;
  *--showstates*) what=states ;;
  *--status*) what=status ;;
  *) echo "fake ipsec: unexpected \$*" >&2; exit 2 ;;
esac
case \$mode in
  ok) out "\$T/good" ;;
  ok2) out "\$T/good2" ;;
  exit1)
    echo 'whack: Pluto is not running (no "/run/pluto/pluto.ctl")' >&2
    exit 1 ;;
  stderr)
    echo 'whack: Pluto is not running (no "/run/pluto/pluto.ctl")' >&2
    exit 0 ;;
  hang)
    # a grandchild in the same process group, then the child itself
    sleep 1000 &
    echo \$! >>"\$T/hang.pids"
    echo \$\$ >>"\$T/hang.pids"
    sleep 1000 ;;
  slow)
    echo \$\$ >>"\$T/slow.pids"
    sleep 30
    out "\$T/good" ;;
  big)
    # 100 MB of real status lines
    [ \$what = traffic ] && exec cat "\$T/good.traffic"
    exec head -c 104857600 "\$T/big.status" ;;
  garbage)
    head -c 1048576 /dev/urandom
    printf '\000\001\002 not a status line\n\377\376\n'
    exit 0 ;;
  half)
    [ \$what = traffic ] && exec cat "\$T/good.traffic"
    head -c \$(( \$(stat -c %s "\$T/good.status") / 2 )) "\$T/good.status"
    kill -9 \$\$ ;;
  cycle)
    # variants \$T/v0.* .. \$T/v<K-1>.*, next one at every poll (--status or --showstates)
    k=\$(cat "\$T/cycle.k" 2>/dev/null || echo 0)
    if [ \$what != traffic ]; then
      k=\$(( (k + 1) % \$(cat "\$T/cycle.n") ))
      echo \$k >"\$T/cycle.k"
    fi
    out "\$T/v\$k" ;;
  *) echo "fake ipsec: bad mode \$mode" >&2; exit 2 ;;
esac
EOF
  chmod 755 "$T/ipsec"
}

fault_mode() { echo "$1" >"$T/mode"; }

fault_setup() {
  lsw_setup
  "$GEN" -V 4 -n 20 "$T/good.status" "$T/good.traffic" || lsw_fail "gen-status"
  : >"$T/calls.log"
  fault_write_ipsec
  fault_mode ok
  lsw_start_snmpd
}

fault_start_agent() {
  lsw_start_agent --ipsec "$T/ipsec" --interval 1 --timeout 2 "$@"
}

# The first poll is good: the operator sees every row and ok(1).
fault_baseline() {
  wait_scalar lsPollSuccesses 'v >= 1' 15 || { cat "$AGENT_LOG"; lsw_fail "no successful poll"; }
  wait_scalar lsCollectorStatus 'v == 1' 5 || lsw_fail "lsCollectorStatus is not ok(1) after a good poll"
  [ "$(get lsConnCount)" = $FAULT_CONNS ] || lsw_fail "lsConnCount $(get lsConnCount), want $FAULT_CONNS"
  [ "$(rows lsConnOperStatus)" = $FAULT_CONNS ] || lsw_fail "lsConnTable rows $(rows lsConnOperStatus), want $FAULT_CONNS"
  [ "$(rows lsIkeSaState)" = $FAULT_IKE ] || lsw_fail "lsIkeSaTable rows $(rows lsIkeSaState), want $FAULT_IKE"
  [ "$(rows lsIpsecSaState)" = $FAULT_IPSEC ] || lsw_fail "lsIpsecSaTable rows $(rows lsIpsecSaState), want $FAULT_IPSEC"
  lsw_log "baseline: $FAULT_CONNS connections, $FAULT_IKE IKE SAs, $FAULT_IPSEC IPsec SAs, ok(1)"
}

# Polls fail: lsCollectorStatus stale(2), lsPollFailures counts, the last
# good rows stay, lsLastError and the log say why ($1: egrep pattern), and
# the log says it once, not once per poll.
fault_expect_stale() {
  local why=$1 f0 n
  f0=$(get lsPollFailures)
  wait_scalar lsPollFailures "v >= $f0 + 3" 20 || { tail -n 30 "$AGENT_LOG"; lsw_fail "failures not counted"; }
  [ "$(get lsCollectorStatus)" = 2 ] || lsw_fail "lsCollectorStatus $(get lsCollectorStatus), want stale(2)"
  [ "$(rows lsConnOperStatus)" = $FAULT_CONNS ] || lsw_fail "rows lost: lsConnTable has $(rows lsConnOperStatus)"
  [ "$(rows lsIpsecSaState)" = $FAULT_IPSEC ] || lsw_fail "rows lost: lsIpsecSaTable has $(rows lsIpsecSaState)"
  [ "$(get lsConnCount)" = $FAULT_CONNS ] || lsw_fail "lsConnCount $(get lsConnCount), want $FAULT_CONNS (last good)"
  get lsLastError | grep -qiE "$why" || lsw_fail "lsLastError '$(get lsLastError)' does not match /$why/"
  n=$(grep -iE "$why" "$AGENT_LOG" | grep -ci "poll failed")
  [ "$n" -ge 1 ] || { cat "$AGENT_LOG"; lsw_fail "the log does not say /$why/"; }
  [ "$n" -le 1 ] || { cat "$AGENT_LOG"; lsw_fail "the log says /$why/ $n times in 3+ failed polls (once is enough)"; }
  kill -0 "$AGENT_PID" || lsw_fail "the agent died"
  lsw_log "stale(2), rows kept, lsPollFailures $(get lsPollFailures), lsLastError '$(get lsLastError)'"
}

# Repaired: ok(1) again with an empty lsLastError.
fault_expect_recovered() {
  fault_mode ok
  wait_scalar lsCollectorStatus 'v == 1' 15 || lsw_fail "no recovery to ok(1)"
  [ -z "$(get lsLastError | tr -d '"')" ] || lsw_fail "lsLastError not cleared: $(get lsLastError)"
  lsw_log "recovered: ok(1)"
}

fault_cycle() {
  fault_mode "$1"
  fault_expect_stale "$2"
  fault_expect_recovered
}

# lsEventType values in lsEventTable (numeric), one per line.
event_types() { snmpbulkwalk $SNMP_OPTS -Oqve LIBRESWAN-STATUS-MIB::lsEventType 2>/dev/null; }

# Seconds (3 decimals) until lsConnCount.0 answers $1, at most $2 s; "" when never.
time_to_serve() {
  local want=$1 secs=$2 t0 end
  t0=$EPOCHREALTIME
  end=$(( $(date +%s) + secs ))
  while [ "$(date +%s)" -le "$end" ]; do
    if [ "$(snmpget -v2c -c public -t 1 -r 0 -Oqv "127.0.0.1:$SNMPD_PORT" LIBRESWAN-STATUS-MIB::lsConnCount.0 2>/dev/null)" = "$want" ]; then
      awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Events newer than index $1: "INDEX TYPE NOTIFIED" lines (numeric).
events_since() {
  local from=$1
  join <(snmpbulkwalk $SNMP_OPTS -Oqe LIBRESWAN-STATUS-MIB::lsEventType 2>/dev/null \
           | awk -v f="$from" '{ n = split($1, a, "."); if (a[n] + 0 > f + 0) print a[n], $2 }' | sort) \
       <(snmpbulkwalk $SNMP_OPTS -Oqe LIBRESWAN-STATUS-MIB::lsEventNotified 2>/dev/null \
           | awk -v f="$from" '{ n = split($1, a, "."); if (a[n] + 0 > f + 0) print a[n], $2 }' | sort) \
    | sort -n
}

# Variants for mode "cycle": $1 files, built by "gen-status ARGS" per line of stdin.
fault_variants() {
  local k=0 args
  while read -r args; do
    # shellcheck disable=SC2086
    "$GEN" $args "$T/v$k.status" "$T/v$k.traffic" || lsw_fail "gen-status $args"
    k=$((k + 1))
  done
  echo "$k" >"$T/cycle.n"
  echo 0 >"$T/cycle.k"
}

# Serial numbers (table indexes) of the rows of a column, sorted, one line.
serials_of() {
  snmpbulkwalk $SNMP_OPTS -Cr25 -Oq "LIBRESWAN-STATUS-MIB::$1" 2>/dev/null \
    | sed -n 's/^[^ ]*\.\([0-9]*\) .*/\1/p' | sort -n | tr '\n' ' '
}
