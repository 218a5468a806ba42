#!/usr/bin/env bash
# Fault: ipsec loses its execute bit at run time: stale(2), rows kept,
# lsLastError and one log line say why; back to ok(1) once repaired.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
fault_start_agent
fault_baseline
chmod 644 "$T/ipsec"
fault_expect_stale 'permission denied|not executable|EACCES'
chmod 755 "$T/ipsec"
fault_expect_recovered
echo "PASS"
