#!/usr/bin/env bash
# agent-whack: the collector running `ipsec whack` (a stand-in ipsec script
# that prints real status files): argv and --ctlsocket, a non-zero exit, a
# hung whack killed by the timeout (no process left), output over
# max-output, SIGHUP with a good and a broken config, SIGTERM while a whack
# runs (clean exit, child reaped).
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_setup
lsw_start_snmpd

# A unique sleep so we can tell our hung child from anything else.
HANG="sleep 987.$$"
cp "$D/ns-03-up.west.status.txt" "$T/status.txt"
cp "$D/v4.10-ikev1-hub-spoke__east__2.trafficstatus.txt" "$T/traffic.txt"
cat >"$T/ipsec" <<SH
#!/bin/sh
echo "\$*" >>"$T/ipsec-args"
[ -f "$T/exit33" ] && { echo "whack: Pluto is not running (no \"$T/pluto.ctl\")" >&2; exit 33; }
case "\$*" in
  *--trafficstatus*) cat "$T/traffic.txt" ;;
  *--showstates*) [ -f "$T/hang" ] && exec $HANG; grep -E '^(000 )?#[0-9]+: ' "$T/status.txt" ;;
  *--status*) [ -f "$T/hang" ] && exec $HANG; cat "$T/status.txt" ;;
esac
SH
chmod +x "$T/ipsec"

# interval and timeout come from the config file (-c $T/empty.conf), so
# that SIGHUP can change them: the command line would win over the file.
lsw_start_agent --ipsec "$T/ipsec" --ctlsocket "$T/pluto.ctl"
lsw_expect lsPollInterval.0 10
printf 'interval = 1\ntimeout = 1\n' >"$T/empty.conf"
kill -HUP "$AGENT_PID"
lsw_wait_for 5 "[ \"\$(lsw_get lsPollInterval.0)\" = 1 ]" || lsw_fail "interval not reloaded"
lsw_expect lsCollectorStatus.0 ok
lsw_expect lsConnCount.0 6
lsw_expect lsIkeSaStateName.4 STATE_MAIN_I4
grep -qx "whack --ctlsocket $T/pluto.ctl --status" "$T/ipsec-args" || { cat "$T/ipsec-args"; lsw_fail "whack --status argv"; }
grep -qx "whack --ctlsocket $T/pluto.ctl --trafficstatus" "$T/ipsec-args" || lsw_fail "whack --trafficstatus argv"
echo "ok argv"

lsw_log "pluto not running: exit 33"
touch "$T/exit33"
lsw_wait_for 5 "[ \"\$(lsw_get lsCollectorStatus.0)\" = stale ]" || lsw_fail "not stale"
lsw_get lsLastError.0 | grep -q 'exited with status 33: whack: Pluto is not running' || lsw_fail "lsLastError: $(lsw_get lsLastError.0)"
lsw_expect lsConnCount.0 6
rm "$T/exit33"
lsw_wait_for 5 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "not ok again"

lsw_log "whack hangs: killed by the timeout"
touch "$T/hang"
lsw_wait_for 6 "lsw_get lsLastError.0 | grep -q 'did not finish within 1 s'" || lsw_fail "no timeout: $(lsw_get lsLastError.0)"
# Requests are answered at once while a whack hangs.
t0=$EPOCHREALTIME
for _ in 1 2 3 4 5; do lsw_get lsConnCount.0 >/dev/null; done
ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 / 5 }')
[ "$ms" -lt 200 ] || lsw_fail "GET took $ms ms while whack hangs"
echo "ok GET answered in $ms ms while whack hangs"
rm "$T/hang"
lsw_wait_for 5 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "not ok after hang"
sleep 0.5
pgrep -f "$HANG" >/dev/null && lsw_fail "a hung whack is still running"
echo "ok no hung whack left"

lsw_log "SIGHUP: max-output 4096 (the status is 16 kB)"
printf 'interval = 1\ntimeout = 1\nmax-output = 4096\n' >"$T/empty.conf"
kill -HUP "$AGENT_PID"
lsw_wait_for 5 "lsw_get lsLastError.0 | grep -q 'printed more than max-output'" || lsw_fail "max-output: $(lsw_get lsLastError.0)"
lsw_expect lsCollectorStatus.0 stale

lsw_log "SIGHUP: a broken config keeps the running one"
printf 'interval = banana\n' >"$T/empty.conf"
kill -HUP "$AGENT_PID"
lsw_wait_for 5 "grep -q 'configuration not reloaded.*empty.conf:1: interval' '$AGENT_LOG'" || { cat "$AGENT_LOG"; lsw_fail "broken config not logged"; }
lsw_expect lsPollInterval.0 1
kill -0 "$AGENT_PID" || lsw_fail "agent died on a broken config"
printf 'interval = 2\ntimeout = 1\n' >"$T/empty.conf"
kill -HUP "$AGENT_PID"
lsw_wait_for 5 "[ \"\$(lsw_get lsPollInterval.0)\" = 2 ]" || lsw_fail "interval not reloaded"
lsw_wait_for 5 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "max-output not reset by the reload"
echo "ok SIGHUP"

lsw_log "SIGTERM while whack hangs"
touch "$T/hang"
lsw_wait_for 5 "pgrep -f '$HANG'" || lsw_fail "whack did not start"
t0=$EPOCHREALTIME
kill -TERM "$AGENT_PID"
for _ in $(seq 50); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$AGENT_PID" 2>/dev/null && lsw_fail "agent still running 5 s after SIGTERM"
wait "$AGENT_PID"; rc=$?
[ "$rc" = 0 ] || lsw_fail "exit status $rc after SIGTERM"
echo "ok stopped in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s, exit 0"
pgrep -f "$HANG" >/dev/null && lsw_fail "the hung whack survived the agent"
echo "ok child killed and reaped"
echo PASS
