#!/usr/bin/env bash
# Fault: ipsec prints half a status and is killed (SIGKILL): the half
# snapshot must not replace the good one (no connections "lost").
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
fault_start_agent
fault_baseline
fault_cycle half 'signal|killed'
echo "PASS"
