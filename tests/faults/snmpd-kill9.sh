#!/usr/bin/env bash
# Fault: snmpd is SIGKILLed (its AgentX socket file stays behind) while
# tunnels go down, then restarted. The agent keeps polling meanwhile,
# serves again within a few seconds of snmpd's return, and the events of
# the outage (whose traps were lost with the master) are in lsEventTable.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faultlib.bash"
fault_setup
"$GEN" -V 4 -n 10 -b 1 "$T/good2.status" "$T/good2.traffic"
fault_start_agent
fault_baseline
ev0=$(get lsEventLastIndex)
kill -9 "$SNMPD_PID"; wait "$SNMPD_PID" 2>/dev/null
[ -S "$AGENTX_SOCK" ] || lsw_log "note: the socket file went away with snmpd"
lsw_log "snmpd killed; 10 of 20 tunnels go down while it is away"
calls0=$(grep -c . "$T/calls.log")
fault_mode ok2
lsw_wait_for 10 "[ \$(grep -c . '$T/calls.log') -ge $((calls0 + 6)) ]" || lsw_fail "the agent stopped polling without snmpd"
kill -0 "$AGENT_PID" || lsw_fail "the agent died with snmpd"
lsw_start_snmpd
secs=$(time_to_serve 12 20) || { tail -n 30 "$AGENT_LOG"; lsw_fail "not served 20 s after snmpd came back"; }
lsw_log "served again ${secs}s after snmpd answered"
awk -v s="$secs" 'BEGIN { exit !(s <= 5) }' || lsw_fail "took ${secs}s to serve again (want <= 5 s)"
ev=$(events_since "$ev0")
lsw_log "events of the outage (index type notified): $(echo $ev)"
# gen-status -n 20 -> -n 10: instances 11..20 are gone, 10 connections.
down=$(echo "$ev" | awk '$2 == 2' | grep -c .)
[ "$down" = 10 ] || lsw_fail "$down connDown(2) events of the outage in lsEventTable, want 10"
notified=$(echo "$ev" | awk '$2 == 2 { print $3 }' | sort | uniq -c | tr -s ' ')
lsw_log "lsEventNotified of those connDown events (1 sent, 2 filtered, 3 rateLimited, 4 none, 5 masterAway): $notified"
echo "PASS"
