#!/usr/bin/env bash
# lswstat against real plutos: west and east in network namespaces
# (tests/e2e/lib-ns.sh), lswstat running the real `ipsec whack` on west's
# control socket. Checks that what lswstat reports (--json, --summary, the
# table) is what whack itself prints at the same moment: the loaded
# connections, the instance of the road-warrior template, the established
# IKE SAs by serial, and pluto's totals. Skipped without root/netns/pluto.
. "$(dirname "$0")/../lib.sh"
. "$LSW_TOP/tests/e2e/lib-ns.sh"
lsw_ns_require
lsw_require jq
[ -x "$LSWSTAT_BIN" ] || lsw_fail "$LSWSTAT_BIN not built"
lsw_setup
lsw_ns_setup
lsw_ns_start_both
CTL=${SIDE_DIR[west]}/run/pluto.ctl
L=$LSWSTAT_BIN
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

lswstat() { timeout -k 2 30 "$L" --ipsec "$IPSEC_BIN" --ctlsocket "$CTL" --timeout 10 "$@"; }

# ---- loaded, nothing up -------------------------------------------------------
lsw_log "nothing up"
lswstat --json >"$T/added.json" 2>"$T/added.err" || fail "lswstat: $(cat "$T/added.err")"
jq_is() {
	local got
	got=$(jq -c "$2" "$1" 2>&1)
	[ "$got" = "$3" ] || fail "$(basename "$1"): $2 = $got, expected $3"
}
jq_is "$T/added.json" '[.connections[] | .name + .instance] | sort' \
	'["v1-tunnel","v2-rw","v2-transport","v2-tunnel","v6-tunnel"]'
jq_is "$T/added.json" '[.connections[].state] | unique' '["down"]'
jq_is "$T/added.json" '[(.ike_sas | length), (.child_sas | length), .totals.connections.loaded, .unparsed]' '[0,0,5,0]'
jq_is "$T/added.json" '.connections[] | select(.name == "v2-tunnel") | [.local_client, .remote_client, .ike_version]' \
	'["198.51.100.0/26","198.51.100.64/26",2]'
jq_is "$T/added.json" '.connections[] | select(.name == "v1-tunnel") | .ike_version' 1
[ "$(jq -r .pluto_version "$T/added.json")" = null ] ||
	jq -r .pluto_version "$T/added.json" | grep -qF "$LSW_PLUTO_VERSION" ||
	fail "pluto_version $(jq -r .pluto_version "$T/added.json"), ipsec says $LSW_PLUTO_VERSION"

# ---- everything initiated -----------------------------------------------------
lsw_log "initiate"
for c in $LSW_CONNS; do lsw_whack west --initiate --asynchronous --name "$c" >/dev/null; done
lsw_whack east --initiate --asynchronous --name v2-road >/dev/null
lsw_ns_wait_showstates west 30 5 "$LSW_RE_IKE_UP" || lsw_fail "IKE SAs did not come up: $(lsw_whack west --showstates)"
sleep 1 # let retransmits of failing Child SAs (no ESP in this kernel) settle

# whack's own view just before and just after lswstat's: the IKE SA serials
# that are established must be the same set in all three.
want() { lsw_whack west --showstates | grep -E "$LSW_RE_IKE_UP" | sed -n 's/^\(000 \)\{0,1\}#\([0-9]*\):.*/\2/p' | sort -n | tr '\n' ' '; }
before=$(want)
lswstat --json >"$T/up.json" 2>"$T/up.err" || fail "lswstat: $(cat "$T/up.err")"
after=$(want)
[ "$before" = "$after" ] || lsw_skip "IKE SAs changed while lswstat ran ($before / $after); try again"
got=$(jq -r '[.ike_sas[] | select(.established) | .serial] | sort | map(tostring) | join(" ")' "$T/up.json")
[ "$got " = "$before" ] || fail "established IKE SAs: lswstat $got, whack $before"
[ "$(echo "$before" | wc -w)" = 5 ] || fail "expected 5 established IKE SAs, whack shows: $before"
jq_is "$T/up.json" '[.connections[] | select(.name == "v2-rw") | .instance]' '["","[1]"]'
jq_is "$T/up.json" '.ike_sas[] | select(.connection == "v2-rw") | [.instance, .established, .peer]' '["[1]",true,"192.0.2.3"]'
jq_is "$T/up.json" '.ike_sas[] | select(.connection == "v1-tunnel") | .ike_version' 1
jq_is "$T/up.json" '.totals.ike_sas.total == (.ike_sas | length)' true
jq_is "$T/up.json" '.unparsed' 0

lswstat --summary >"$T/up.sum" 2>&1 || fail "lswstat --summary: $(cat "$T/up.sum")"
grep -qE '^connections=6 .* ike_sas=5 ike_established=5 .* unparsed=0 lines=[0-9]+$' "$T/up.sum" ||
	fail "summary: $(cat "$T/up.sum")"
lswstat >"$T/up.table" 2>&1 || fail "lswstat: $(cat "$T/up.table")"
grep -qE '^v2-rw\[1\] +(up|connecting) +192\.0\.2\.3 +IKEv2 +#[0-9]+ ' "$T/up.table" ||
	fail "table: no v2-rw[1] row: $(cat "$T/up.table")"
grep -qE '^#[0-9]+\*? +v1-tunnel +192\.0\.2\.2:500 +IKEv1 +established ' "$T/up.table" ||
	fail "table: no IKEv1 SA row: $(cat "$T/up.table")"

# ---- pluto gone -------------------------------------------------------------------
lsw_log "pluto stopped"
lsw_ns_stop_pluto west
lswstat --summary >"$T/down.out" 2>"$T/down.err"
rc=$?
[ $rc = 1 ] || fail "with pluto stopped: exit $rc, expected 1"
grep -q 'whack --status exited with status [0-9]*: whack: Pluto is not running' "$T/down.err" ||
	grep -q 'whack --status.*: .*connect' "$T/down.err" ||
	fail "with pluto stopped: $(cat "$T/down.err")"

if [ "$failures" -gt 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "lswstat agrees with whack on a real pluto"
