#!/usr/bin/env bash
# Trap latency at the default interval (10 s), inside UML (real ESP; run
# by tests/e2e/e2e-uml.sh after e2e-ns.sh): the agent in west's namespace
# listens to the kernel's XFRM notifications and polls at once (200 ms
# after the first of a burst), so
#   - `whack --terminate` of a tunnel: lsIpsecSaDeleted at the receiver,
#   - `ip xfrm state delete` of its inbound SA behind pluto's back:
#     lsIpsecSaMissingInKernel (seen on the event's poll, confirmed by a
#     poll a second later),
# each in about a second, not in up to ten. RUNS times each (default 3);
# the median must stay under LSW_LATENCY_MAX_MS (default 3000): polling
# alone would give 5 s on average. Without ESP (the host) it skips.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-ns.sh"
. "$(dirname "$0")/lib-e2e.sh"
lsw_ns_require
lsw_require snmpd snmpget snmptrapd snmptranslate
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built (make)"
lsw_setup
e2e_load_states
e2e_init_oids
lsw_ns_setup
lsw_ns_esp_probe
[ "$LSW_ESP" = 1 ] || lsw_skip "no ESP in this kernel: the latency of Child SA traps needs real tunnels (UML)"
RUNS=${LSW_LATENCY_RUNS:-3}
MAX_MS=${LSW_LATENCY_MAX_MS:-3000}

lsw_start_trapd
lsw_start_snmpd
CTL=${SIDE_DIR[west]}/run/pluto.ctl
lsw_ns_start_both
LSW_AGENT_WRAP="ip netns exec ${NS[west]}" \
  lsw_start_agent --ipsec "$IPSEC_BIN" --ctlsocket "$CTL" --interval 10 --timeout 5 --traps all \
  --kernel-stats auto
grep -q 'kernel source off' "$AGENT_LOG" && lsw_fail "the kernel source is off: $(cat "$AGENT_LOG")"

up() { # wait until v2-tunnel's Child SA is up on both sides and the agent knows
	local mark
	mark=$(e2e_trap_mark)
	lsw_whack west --initiate --asynchronous --name v2-tunnel >/dev/null
	lsw_ns_wait_showstates west 30 1 "$LSW_RE_CHILD_UP" || lsw_fail "v2-tunnel did not come up"
	lsw_ns_wait_showstates east 15 1 "$LSW_RE_CHILD_UP" || lsw_fail "east's Child SA did not come up"
	lsw_ns_wait_for 15 "e2e_traps_since $mark v2-tunnel | grep -q ' = OID: $LS.0.1'$'\t'" ||
		lsw_fail "no lsConnUp for v2-tunnel"
	sleep 1.5 # the event's poll and its confirmation are done
}
# wait_trap TYPE: ms from E2E_T0 until a trap of TYPE about v2-tunnel came
# after E2E_MARK (50 ms steps; 15 s at most)
wait_trap() {
	local end=$((SECONDS + 15))
	while ! e2e_traps_since "$E2E_MARK" v2-tunnel | grep -q " = OID: $LS.0.$1"$'\t'; do
		[ $SECONDS -ge $end ] && { echo none; return 1; }
		sleep 0.05
	done
	awk -v a="$E2E_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

del=() miss=()
up
for ((r = 1; r <= RUNS; r++)); do
	e2e_now_mark
	lsw_whack west --terminate --name v2-tunnel >/dev/null
	ms=$(wait_trap 6) || e2e_fail "run $r: no lsIpsecSaDeleted after --terminate"
	del+=("$ms")
	lsw_log "run $r: whack --terminate -> lsIpsecSaDeleted at the receiver after $ms ms"
	up

	SA=$(lsw_ns_newest_ipsec west v2-tunnel)
	SPI=$(e2e_get "lsIpsecSaEspSpiIn.$SA")
	[[ $SPI =~ ^[0-9]+$ ]] || lsw_fail "no lsIpsecSaEspSpiIn for #$SA: $SPI"
	e2e_now_mark
	lsw_ns_exec west ip xfrm state delete src 192.0.2.2 dst 192.0.2.1 proto esp spi "$(printf '0x%08x' "$SPI")" ||
		lsw_fail "ip xfrm state delete of #$SA's inbound SA"
	ms=$(wait_trap 13) || e2e_fail "run $r: no lsIpsecSaMissingInKernel after ip xfrm state delete"
	miss+=("$ms")
	lsw_log "run $r: ip xfrm state delete -> lsIpsecSaMissingInKernel at the receiver after $ms ms"
	# pluto still believes in the SA: take it down and up again
	lsw_whack west --terminate --name v2-tunnel >/dev/null
	sleep 1
	up
done
md=$(echo "${del[*]}" | median) mm=$(echo "${miss[*]}" | median)
echo "trap latency at interval 10 s, $RUNS runs: --terminate -> lsIpsecSaDeleted [${del[*]}] ms, median $md ms;" \
	"ip xfrm state delete -> lsIpsecSaMissingInKernel [${miss[*]}] ms, median $mm ms"
[[ $md =~ ^[0-9]+$ ]] && [ "$md" -le "$MAX_MS" ] || e2e_fail "lsIpsecSaDeleted median $md ms > $MAX_MS ms"
[[ $mm =~ ^[0-9]+$ ]] && [ "$mm" -le "$MAX_MS" ] || e2e_fail "lsIpsecSaMissingInKernel median $mm ms > $MAX_MS ms"
if [ "$E2E_FAILS" != 0 ]; then
	tail -n 30 "$AGENT_LOG"
	lsw_fail "$E2E_FAILS checks failed"
fi
echo "PASS: trap latency"
