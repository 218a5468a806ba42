#!/usr/bin/env bash
# tests/e2e/capture-globalstatus.sh OUTDIR - `ipsec whack --globalstatus` of
# two real plutos (tests/e2e/lib-ns.sh), for the fixtures in
# tests/data/globalstatus/. Not a test; run by hand as root on the host
# (namespace tier: IKE SAs come up, Child SAs fail without ESP).
#
# Files: OUTDIR/real-4.10-ns-STEP.SIDE.txt, stdout of whack exactly as
# printed, whack's stderr after it; the temp dir replaced by /tmp/lsw-e2e.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: capture-globalstatus.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$top/tests/lib.sh"
. "$top/tests/e2e/lib-ns.sh"
lsw_ns_require
lsw_setup
lsw_ns_setup
ver=$("$IPSEC_BIN" --version 2>/dev/null | sed -n 's/^Libreswan \([0-9.]*\).*/\1/p' | head -n1)

# cap STEP SIDE: one --globalstatus.
cap() {
	local f="$out/real-$ver-ns-$1.$2.txt"
	lsw_whack "$2" --globalstatus >"$f.tmp" 2>"$f.err"
	echo "rc $?: $f"
	cat "$f.err" >>"$f.tmp"
	sed "s,$T,/tmp/lsw-e2e,g" "$f.tmp" >"$f"
	rm -f "$f.tmp" "$f.err"
}

cap 00-nopluto west
lsw_ns_start_both
for c in $LSW_CONNS; do lsw_whack west --initiate --asynchronous --name "$c" >/dev/null; done
lsw_whack east --initiate --asynchronous --name v2-road >/dev/null
lsw_ns_wait_showstates west 30 5 "$LSW_RE_IKE_UP" || lsw_fail "IKE SAs did not come up"
sleep 1 # let the Child SA failures settle
cap 03-up west
cap 03-up east

# An ID east has no connection for: east answers IKE_AUTH with
# AUTHENTICATION_FAILED, a non-zero notification counter on both sides.
lsw_ns_add_badid || lsw_fail "addconn v2-badid"
lsw_whack west --initiate --asynchronous --name v2-badid >/dev/null
lsw_ns_wait_for 15 "lsw_whack west --globalstatus | grep -q '^total.ikev2.recv.notifies.error.AUTHENTICATION_FAILED=[1-9]'" ||
	lsw_log "no AUTHENTICATION_FAILED seen"
sleep 1
cap 09-authfailed west
cap 09-authfailed east
