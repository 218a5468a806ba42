#!/usr/bin/env bash
# tests/e2e/capture-real.sh OUTDIR - run the e2e scenario against two real
# plutos and save what `ipsec whack` prints at each step, for the parser's
# fixtures (tests/data/real/). Not a test; run by hand as root, on the host
# (namespace tier: IKE SAs only, the kernel has no ESP) or inside UML (the
# UML tier runs it with LSW_CAPTURE=DIR: real Child SAs and traffic).
#
# Files: OUTDIR/STEP.SIDE.CMD.txt, stdout of `ipsec whack --CMD` exactly as
# printed; the temp dir is replaced by /tmp/lsw-e2e and nothing else is
# changed. OUTDIR/INDEX.tsv: file, step, side, command, exit code, note.
#
#   tests/e2e/capture-real.sh --uml OUTDIR   the same inside User-Mode-Linux
#                                            (tests/e2e/lib-uml.sh), with ESP
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
uml=0
[ "${1:-}" = --uml ] && { uml=1; shift; }
out=${1:?usage: capture-real.sh [--uml] OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$top/tests/lib.sh"
if [ $uml = 1 ]; then
	. "$top/tests/e2e/lib-uml.sh"
	lsw_uml_capture tests/e2e/capture-real.sh "$out"
	exit 0
fi
. "$top/tests/e2e/lib-ns.sh"
lsw_ns_require
lsw_setup
lsw_ns_setup
lsw_ns_esp_probe
lsw_log "ESP in this kernel: $LSW_ESP"

tier=${LSW_TIER:-ns}
printf 'file\ttier\tlibreswan\tstep\tside\tcommand\trc\tnote\n' >"$out/INDEX.tsv"
ver=$("$IPSEC_BIN" --version 2>/dev/null | sed -n 's/^Libreswan //p' | head -n1)

# cap STEP NOTE SIDE...: the four status commands on each side.
cap() {
	local step=$1 note=$2 side cmd f rc
	shift 2
	for side in "$@"; do
		for cmd in status trafficstatus showstates briefstatus; do
			f=$step.$side.$cmd.txt
			lsw_whack "$side" --$cmd >"$out/$f.tmp" 2>"$out/$f.err"
			rc=$?
			# stderr (whack's own errors) goes after stdout, as a console shows it.
			cat "$out/$f.err" >>"$out/$f.tmp"
			rm -f "$out/$f.err"
			sed "s,$T,/tmp/lsw-e2e,g" "$out/$f.tmp" >"$out/$f"
			rm -f "$out/$f.tmp"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$tier" "$ver" "$step" "$side" \
				"--$cmd" "$rc" "$note" >>"$out/INDEX.tsv"
		done
	done
}

lsw_log "pluto not running yet"
cap 00-nopluto "whack before pluto runs: error on stderr, rc" west

lsw_ns_start_pluto west
lsw_ns_add_conns west
cap 01-added "west: connections added, nothing initiated, east not running" west

lsw_log "half-open: east is not running"
lsw_whack west --initiate --asynchronous --name v2-tunnel >/dev/null
lsw_ns_wait_showstates west 5 1 'STATE_V2_PARENT_I1' || lsw_fail "no half-open IKE SA"
sleep 1.2 # one retransmission, so the state line shows it
cap 02-halfopen "west initiated v2-tunnel, east not running: IKE_SA_INIT retransmits" west
lsw_whack west --terminate --name v2-tunnel >/dev/null

lsw_ns_start_pluto east
lsw_ns_add_conns east

lsw_log "initiate everything"
for c in $LSW_CONNS; do lsw_whack west --initiate --asynchronous --name "$c" >/dev/null; done
lsw_whack east --initiate --asynchronous --name v2-road >/dev/null
lsw_ns_wait_showstates west 30 5 "$LSW_RE_IKE_UP" || lsw_fail "IKE SAs did not come up"
esp=$LSW_ESP
if [ $esp = 1 ]; then
	lsw_ns_wait_showstates west 30 5 "$LSW_RE_CHILD_UP" || lsw_log "not all Child SAs came up"
	# An IKEv1 responder installs its outbound SA only at QUICK_R2.
	lsw_ns_wait_showstates east 10 5 "$LSW_RE_CHILD_UP" || lsw_log "not all Child SAs came up on east"
fi
if [ $esp = 1 ]; then
	lsw_ns_exec west ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 198.51.100.65 >/dev/null || lsw_log "v2 ping failed"
	lsw_ns_exec west ping -c 2 -i 0.2 -W 2 -I 198.51.100.129 198.51.100.193 >/dev/null || lsw_log "v1 ping failed"
	lsw_ns_exec west ping -c 2 -i 0.2 -W 2 -I 2001:db8:1::1 2001:db8:2::1 >/dev/null || lsw_log "v6 ping failed"
	lsw_ns_exec west ping -c 1 -W 2 192.0.2.2 >/dev/null || lsw_log "transport ping failed"
	cap 03-up "all initiated; Child SAs up; after pings" west east
else
	sleep 1 # let the Child SA failures settle
	cap 03-up "all initiated; IKE SAs up, Child SAs failed (no ESP in this kernel)" west east
fi

lsw_log "rekey"
old=$(lsw_ns_newest_ike west v2-tunnel)
lsw_whack west --rekey-ike --asynchronous --name v2-tunnel >/dev/null
lsw_ns_wait_for 10 "[ \"\$(lsw_ns_newest_ike west v2-tunnel)\" != '$old' ]" || lsw_log "IKE rekey not seen"
if [ $esp = 1 ]; then
	old=$(lsw_ns_newest_ipsec west v2-tunnel)
	lsw_whack west --rekey-ipsec --asynchronous --name v2-tunnel >/dev/null
	lsw_ns_wait_for 10 "[ \"\$(lsw_ns_newest_ipsec west v2-tunnel)\" != '$old' ]" || lsw_log "IPsec rekey not seen"
	lsw_ns_exec west ping -c 2 -i 0.2 -W 2 -I 198.51.100.1 198.51.100.65 >/dev/null || lsw_log "ping after rekey failed"
fi
cap 04-rekeyed "v2-tunnel rekeyed (IKE, and IPsec when ESP works)" west east

lsw_whack west --terminate --name v2-tunnel >/dev/null
lsw_ns_wait_for 5 "! lsw_whack west --showstates | grep -q '\"v2-tunnel\"'"
cap 05-terminated "west: whack --terminate v2-tunnel" west east

lsw_whack west --delete --name v1-tunnel >/dev/null
lsw_ns_wait_for 5 "! lsw_whack west --status | grep -q '\"v1-tunnel\"'"
cap 06-deleted "west: whack --delete v1-tunnel (conn gone)" west east

lsw_log "restart west pluto"
lsw_ns_stop_pluto west
cap 07-stopped "west pluto killed (SIGTERM): whack error" west
# A crash leaves the control socket behind: whack says something else.
lsw_ns_start_pluto west
kill -9 "${PLUTO_PID[west]}"
wait "${PLUTO_PID[west]}" 2>/dev/null
PLUTO_PID[west]=""
cap 07-crashed "west pluto killed with SIGKILL: stale pluto.ctl, connect() refused" west
lsw_ns_start_pluto west
lsw_ns_add_conns west
lsw_whack west --initiate --asynchronous --name v2-tunnel >/dev/null
lsw_ns_wait_showstates west 10 1 "$LSW_RE_IKE_UP" || lsw_log "v2-tunnel did not come back"
[ $esp = 1 ] && lsw_ns_wait_showstates west 5 1 "$LSW_RE_CHILD_UP"
cap 08-restarted "west pluto restarted, v2-tunnel initiated again (serials start over)" west east
lsw_log "captured $(($(wc -l <"$out/INDEX.tsv") - 1)) files in $out"
