#!/usr/bin/env bash
# tests/tools/xfrm-capture.sh [--uml] OUTDIR - record the fixtures of
# tests/data/xfrm/ from a real kernel: not a test, run by hand as root.
# With --uml it boots User-Mode-Linux (tests/e2e/lib-uml.sh: a kernel with
# ESP) and runs itself inside; without, it needs a kernel with ESP.
#
# West and east (tests/e2e/lib-ns.sh) bring up the e2e connections
# (v2-tunnel, v1-tunnel, v2-transport, v6-tunnel: ESP, IPv4 and IPv6,
# tunnel and transport mode), pings go through them; then in west's
# namespace, two SAs added by hand with `ip xfrm state add` (AH, IPCOMP:
# pluto makes neither with these connections), and at one moment:
#   dump.bin          build/tests/xfrm-record dump (keys zeroed)
#   dump.ip.txt       `ip -s xfrm state` just before, dump.ip-after.txt just after
#   xfrm_stat.uml.txt west's /proc/self/net/xfrm_stat
# then, while v2-tunnel is terminated and initiated again and a hand-made
# SA with a 2 s hard lifetime expires:
#   monitor.bin       build/tests/xfrm-record monitor (keys zeroed)
#   monitor.ip.txt    `ip xfrm monitor` of the same time
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
uml=0
[ "${1:-}" = --uml ] && { uml=1; shift; }
out=${1:?usage: xfrm-capture.sh [--uml] OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$top/tests/lib.sh"
REC=${BUILD:-build}/tests/xfrm-record
[ -x "$REC" ] || lsw_fail "$REC not built (make build/tests/xfrm-record)"
if [ $uml = 1 ]; then
	. "$top/tests/e2e/lib-uml.sh"
	lsw_uml_capture tests/tools/xfrm-capture.sh "$out"
	exit 0
fi
. "$top/tests/e2e/lib-ns.sh"
lsw_ns_require
lsw_setup
lsw_ns_setup
lsw_ns_esp_probe
[ "$LSW_ESP" = 1 ] || lsw_skip "no ESP in this kernel (use --uml)"
# AH is no module the e2e tier loads.
[ -d /tmp/mods ] && { modprobe -q -d /tmp/mods ah4 || lsw_log "no ah4 module"; }

lsw_ns_start_both
for c in $LSW_CONNS; do lsw_whack west --initiate --asynchronous --name "$c" >/dev/null; done
lsw_ns_wait_showstates west 30 4 "$LSW_RE_CHILD_UP" || lsw_log "not all Child SAs came up"
lsw_ns_wait_showstates east 10 4 "$LSW_RE_CHILD_UP" || lsw_log "not all Child SAs came up on east"
lsw_ns_exec west ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 198.51.100.65 >/dev/null || lsw_log "v2 ping failed"
lsw_ns_exec west ping -c 2 -i 0.2 -W 2 -I 198.51.100.129 198.51.100.193 >/dev/null || lsw_log "v1 ping failed"
lsw_ns_exec west ping -c 2 -i 0.2 -W 2 -I 2001:db8:1::1 2001:db8:2::1 >/dev/null || lsw_log "v6 ping failed"
lsw_ns_exec west ping -c 1 -W 2 192.0.2.2 >/dev/null || lsw_log "transport ping failed"

# Hand-made SAs to a documentation address nobody uses: an AH SA (with a
# key, so the fixture shows it zeroed) and an IPCOMP SA.
lsw_ns_exec west ip xfrm state add src 192.0.2.1 dst 192.0.2.99 proto ah spi 0x00a11001 \
	reqid 77 mode transport auth 'hmac(sha256)' 0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef ||
	lsw_log "AH SA: not added"
lsw_ns_exec west ip xfrm state add src 192.0.2.1 dst 192.0.2.99 proto comp spi 0x0000c0c0 \
	reqid 78 mode tunnel comp deflate || lsw_log "IPCOMP SA: not added"

# ip prints the keys: zeroed in its output too, same length, so that no
# fixture holds key material (the tunnels' keys are throwaway, but a
# fixture with keys in it must never look normal).
nokeys() {
	perl -pe 's/^(\s*(?:aead|enc|auth|auth-trunc|comp) \S+ 0x)([0-9a-f]+)/$1 . ("0" x length($2))/e' "$1"
}
sleep 1.1 # a whole second between the last packet and the dump: use times settle
lsw_ns_exec west ip -s xfrm state >"$T/ip1.txt"
lsw_ns_exec west "$REC" dump "$out/dump.bin" || lsw_fail "xfrm-record dump"
lsw_ns_exec west ip -s xfrm state >"$T/ip2.txt"
nokeys "$T/ip1.txt" >"$out/dump.ip.txt"
nokeys "$T/ip2.txt" >"$out/dump.ip-after.txt"
lsw_ns_exec west cat /proc/self/net/xfrm_stat >"$out/xfrm_stat.uml.txt"
cmp -s "$out/dump.ip.txt" "$out/dump.ip-after.txt" && rm "$out/dump.ip-after.txt" &&
	lsw_log "ip -s xfrm state the same before and after the dump"

lsw_log "monitor: terminate and initiate v2-tunnel, an SA expires"
# ip netns exec execs: $! is the recorder (lsw_ns_exec would be a subshell).
ip netns exec "${NS[west]}" "$REC" monitor "$out/monitor.bin" 60 2>"$T/mon.err" &
mon=$!
lsw_track $mon
ip netns exec "${NS[west]}" ip xfrm monitor >"$T/monitor.ip.txt" &
ipmon=$!
lsw_track $ipmon
lsw_wait_for 10 "grep -q listening '$T/mon.err'" || lsw_fail "monitor did not start"
sleep 0.5
lsw_whack west --terminate --name v2-tunnel >/dev/null
lsw_ns_wait_for 10 "! lsw_whack west --showstates | grep -q '\"v2-tunnel\"'"
lsw_whack west --initiate --name v2-tunnel >/dev/null
lsw_ns_exec west ping -c 1 -W 2 -I 198.51.100.1 198.51.100.65 >/dev/null || lsw_log "ping after initiate failed"
lsw_ns_exec west ip xfrm state add src 192.0.2.1 dst 192.0.2.98 proto esp spi 0x0e0e0e0e \
	reqid 79 mode transport enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
	auth 'hmac(sha1)' 0x00112233445566778899aabbccddeeff00112233 limit time-soft 1 limit time-hard 2 ||
	lsw_log "expiring SA: not added"
sleep 3.5
lsw_ns_exec west ip xfrm state delete src 192.0.2.1 dst 192.0.2.99 proto comp spi 0x0000c0c0 ||
	lsw_log "IPCOMP SA: not deleted"
sleep 1
kill -TERM $mon $ipmon
wait $mon
cat "$T/mon.err"
nokeys "$T/monitor.ip.txt" >"$out/monitor.ip.txt"
lsw_ns_exec west ip -s xfrm state >"$T/ip3.txt"
nokeys "$T/ip3.txt" >"$out/monitor-end.ip.txt"
ls -l "$out"
