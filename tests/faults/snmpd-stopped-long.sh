#!/usr/bin/env bash
# Fault: snmpd is stopped (SIGTERM) for 20 s, longer than any AgentX ping
# interval (net-snmp's default is 15 s), while the data changes. The agent
# survives, serves the new data within a few seconds of snmpd's return.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/faultlib.bash"
fault_setup
"$GEN" -V 4 -n 10 -b 1 "$T/good2.status" "$T/good2.traffic"
fault_start_agent
fault_baseline
lsw_stop_snmpd
fault_mode ok2
sleep 20
kill -0 "$AGENT_PID" || lsw_fail "the agent died while snmpd was stopped"
lsw_start_snmpd
secs=$(time_to_serve 12 30) || { tail -n 30 "$AGENT_LOG"; lsw_fail "not served 30 s after snmpd came back"; }
lsw_log "served the new data ${secs}s after snmpd answered"
awk -v s="$secs" 'BEGIN { exit !(s <= 5) }' || lsw_fail "took ${secs}s (want <= 5 s)"
[ "$(rows lsConnOperStatus)" = 12 ] || lsw_fail "lsConnTable rows $(rows lsConnOperStatus), want 12"
echo "PASS"
