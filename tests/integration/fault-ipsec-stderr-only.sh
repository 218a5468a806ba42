#!/usr/bin/env bash
# Fault: ipsec prints to stderr only and exits 0: an empty status is not
# "no tunnels" (pluto always prints its header), so the rows stay.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
fault_start_agent
fault_baseline
fault_cycle stderr 'pluto is not running|no output|empty|nothing'
echo "PASS"
