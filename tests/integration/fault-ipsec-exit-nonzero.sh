#!/usr/bin/env bash
# Fault: pluto is down, `ipsec whack` says so on stderr and exits 1.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
fault_start_agent
fault_baseline
fault_cycle exit1 'pluto is not running|exit(ed)?( with)? (status|code) 1'
echo "PASS"
