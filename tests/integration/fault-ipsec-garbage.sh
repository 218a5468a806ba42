#!/usr/bin/env bash
# Fault: ipsec prints 1 MB of binary garbage and exits 0: nothing the
# parser understands, so the poll fails and the last good rows stay.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
fault_start_agent
fault_baseline
fault_cycle garbage 'garbage|unpars|not understood|nothing|no status|parse|understood|binary|unrecogni'
echo "PASS"
