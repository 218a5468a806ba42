#!/usr/bin/env bash
# The full tier: boots User-Mode-Linux (Debian's linux.uml, or Debian
# unstable's on a host where that cannot boot: see lib-uml.sh) on the host's
# root, read-only, with ESP modules loaded, and runs the namespace test
# tests/e2e/e2e-ns.sh inside it. There real Child SAs come up, so it also
# checks traffic counters, IPsec SA rekeys, lsConnDown/lsIpsecSaDeleted and
# lsConnUp. Skips (77) when linux.uml is missing, or when this host needs
# the newer kernel and it cannot be downloaded. Run by `make check-e2e`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-uml.sh"
START=$EPOCHREALTIME
lsw_uml_require
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built (make)"
lsw_setup
lsw_log "booting $UML_BIN ($UML_KVER, mem=$UML_MEM)"
# then, in the same guest, the trap latency at the default interval
lsw_uml_run "${LSW_UML_TIMEOUT:-600}" bash -c 'tests/e2e/e2e-ns.sh && tests/e2e/latency-ns.sh' 
rc=$?
grep '^UML:' "$UML_CONSOLE"
cat "$UML_LOG" 2>/dev/null
SECS=$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
echo "UML tier wall time, boot included: ${SECS} s"
case $rc in
0) echo "PASS: e2e inside UML" ;;
77) lsw_skip "inside UML: $(tail -n1 "$UML_LOG")" ;;
124) tail -n 40 "$UML_CONSOLE"; lsw_fail "UML guest timed out" ;;
*) tail -n 20 "$UML_CONSOLE"; lsw_fail "e2e inside UML failed (exit $rc)" ;;
esac
