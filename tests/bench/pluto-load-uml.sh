#!/usr/bin/env bash
# pluto-load-uml: tests/bench/pluto-load.sh inside User-Mode-Linux, where
# the kernel has ESP: LSW_PLUTO_LOAD_SIZES tunnels (default 50) with their
# Child SAs up, so every state listing and trafficstatus also asks the
# kernel for each Child SA's counters (get_sa_bundle_info()). The same
# table as on the host: pluto CPU per poll of the agent against one
# `whack --status`, and the longest probe stall. Root; `make
# bench-pluto-uml`; a few minutes.
. "$(dirname "$0")/../lib.sh"
. "$LSW_TOP/tests/e2e/lib-uml.sh"
lsw_uml_require
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built (make)"
lsw_setup
N=${LSW_PLUTO_LOAD_SIZES:-50}
lsw_log "booting $UML_BIN ($UML_KVER) for pluto-load with $N tunnels"
lsw_uml_run "${LSW_UML_TIMEOUT:-900}" env LSW_PLUTO_LOAD_SIZES="$N" LSW_PLUTO_LOAD_IKE="$N" \
  LSW_PLUTO_LOAD_SECS="${LSW_PLUTO_LOAD_SECS:-60}" LSW_PLUTO_LOAD_OUT=/tmp/pluto-load.txt \
  bash tests/bench/pluto-load.sh
rc=$?
cat "$UML_LOG" 2>/dev/null
[ $rc = 0 ] || { tail -n 20 "$UML_CONSOLE"; lsw_fail "pluto-load inside UML failed (exit $rc)"; }
