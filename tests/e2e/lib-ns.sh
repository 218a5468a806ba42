# tests/e2e/lib-ns.sh - two real plutos, west and east, in network namespaces.
# Sourced after tests/lib.sh and lsw_setup (needs $T). Used on the host (the
# namespace tier) and inside User-Mode-Linux (the full tier).
#
#   lsw_ns_require                  skip (77) unless root, netns, pluto
#   lsw_ns_setup                    namespaces, veth, addresses, NSS dbs, configs
#   lsw_ns_start_pluto west|east    pluto --nofork in its namespace; waits for ctl
#   lsw_ns_add_conns west|east      addconn every connection of the template
#   lsw_whack west --status         whack on that side's control socket
#   lsw_ns_stop_pluto west          SIGTERM by PID, wait, SIGKILL if stuck
#   lsw_ns_cleanup                  plutos, namespaces (installed in the EXIT trap)
#
# Addresses are documentation ranges only (RFC 5737 / RFC 3849):
#   link     west 192.0.2.1 / 2001:db8:0:1::1   east 192.0.2.2 / 2001:db8:0:1::2
#   v2-tunnel  198.51.100.0/26   <-> 198.51.100.64/26   (IKEv2, tunnel)
#   v1-tunnel  198.51.100.128/26 <-> 198.51.100.192/26  (IKEv1, tunnel)
#   v2-transport 192.0.2.1 <-> 192.0.2.2                 (IKEv2, transport)
#   v6-tunnel  2001:db8:1::/64  <-> 2001:db8:2::/64      (IKEv2 over IPv6)
#   v2-rw (west, right=%any) <- v2-road (east from 192.0.2.3): an instance

LSW_E2E_DIR=${LSW_E2E_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
PLUTO_BIN=${PLUTO_BIN:-/usr/libexec/ipsec/pluto}
IPSEC_BIN=${IPSEC_BIN:-/usr/sbin/ipsec}
LSW_CONNS="v2-tunnel v1-tunnel v2-transport v6-tunnel"
declare -A LSW_SIDE_CONNS=([west]="$LSW_CONNS v2-rw" [east]="$LSW_CONNS v2-road")

declare -A NS PLUTO_PID SIDE_DIR
NS_SUFFIX=""

lsw_ns_require() {
	[ "$(id -u)" = 0 ] || lsw_skip "not root (network namespaces and pluto need root)"
	command -v ip >/dev/null 2>&1 || lsw_skip "ip (iproute2) not installed (make deps)"
	[ -x "$PLUTO_BIN" ] || lsw_skip "pluto not installed ($PLUTO_BIN; make deps installs libreswan)"
	[ -x "$IPSEC_BIN" ] || lsw_skip "ipsec not installed ($IPSEC_BIN)"
	command -v certutil >/dev/null 2>&1 || lsw_skip "certutil (libnss3-tools) not installed"
	LSW_PLUTO_VERSION=$("$IPSEC_BIN" --version 2>/dev/null | sed -n 's/^Libreswan \([0-9.]*\).*/\1/p' | head -n1)
	[ -n "$LSW_PLUTO_VERSION" ] || lsw_skip "cannot tell the libreswan version (ipsec --version)"
	local probe="lswprobe$$"
	ip netns add "$probe" >/dev/null 2>&1 || lsw_skip "cannot create network namespaces here"
	ip netns del "$probe"
}

# Our own cleanup, then lib.sh's (which kills tracked PIDs and removes $T).
lsw_ns_cleanup() {
	local s
	for s in west east; do
		[ -n "${PLUTO_PID[$s]:-}" ] && lsw_ns_stop_pluto "$s"
	done
	for s in west east; do
		[ -n "${NS[$s]:-}" ] && ip netns del "${NS[$s]}" 2>/dev/null
	done
	return 0
}

lsw_ns_exec() {
	local side=$1
	shift
	ip netns exec "${NS[$side]}" "$@"
}

# Substitute @VARS@ of a template into a file.
lsw_ns_render() {
	local side=$1 in=$2 out=$3 d=${SIDE_DIR[$1]}
	sed -e "s,@DIR@,$d,g" -e "s,@SIDE@,$side,g" "$in" >"$out"
}

lsw_ns_setup() {
	local s
	NS_SUFFIX=$(printf '%04x%04x' $RANDOM $RANDOM)
	NS[west]="lswW-$NS_SUFFIX"
	NS[east]="lswE-$NS_SUFFIX"
	trap 'lsw_ns_cleanup; lsw_cleanup' EXIT
	ip netns add "${NS[west]}" || lsw_fail "ip netns add ${NS[west]}"
	ip netns add "${NS[east]}" || lsw_fail "ip netns add ${NS[east]}"
	# One veth pair; each end is created directly inside its namespace.
	ip link add "w$NS_SUFFIX" netns "${NS[west]}" type veth peer name "e$NS_SUFFIX" netns "${NS[east]}" \
		|| lsw_skip "cannot create a veth pair here (no veth in this kernel or container)"
	lsw_ns_exec west ip link set "w$NS_SUFFIX" name eth0
	lsw_ns_exec east ip link set "e$NS_SUFFIX" name eth0
	lsw_ns_addr west 192.0.2.1 2001:db8:0:1::1 198.51.100.1/26 198.51.100.129/26 2001:db8:1::1/64
	lsw_ns_addr east 192.0.2.2 2001:db8:0:1::2 198.51.100.65/26 198.51.100.193/26 2001:db8:2::1/64
	lsw_ns_exec east ip addr add 192.0.2.3/24 dev eth0
	for s in west east; do
		SIDE_DIR[$s]=$T/$s
		mkdir -p "${SIDE_DIR[$s]}"/{run,nss,ipsec.d,dump}
		"$IPSEC_BIN" initnss --nssdir "${SIDE_DIR[$s]}/nss" >"${SIDE_DIR[$s]}/initnss.log" 2>&1 \
			|| { cat "${SIDE_DIR[$s]}/initnss.log"; lsw_fail "ipsec initnss failed"; }
		lsw_ns_render "$s" "$LSW_E2E_DIR/conf/ipsec.conf" "${SIDE_DIR[$s]}/ipsec.conf"
		cp "$LSW_E2E_DIR/conf/ipsec.secrets" "${SIDE_DIR[$s]}/ipsec.secrets"
		chmod 600 "${SIDE_DIR[$s]}/ipsec.secrets"
	done
}

# lsw_ns_addr SIDE LINK4 LINK6 INNER...: link addresses on eth0, the inner
# (protected subnet) addresses on lo, as hosts behind the gateway.
lsw_ns_addr() {
	local side=$1 a4=$2 a6=$3 a
	shift 3
	lsw_ns_exec "$side" ip link set lo up
	lsw_ns_exec "$side" ip addr add "$a4/24" dev eth0
	lsw_ns_exec "$side" ip -6 addr add "$a6/64" dev eth0 nodad
	lsw_ns_exec "$side" ip link set eth0 up
	for a in "$@"; do
		case $a in
		*:*) lsw_ns_exec "$side" ip -6 addr add "$a" dev lo nodad ;;
		*) lsw_ns_exec "$side" ip addr add "$a" dev lo ;;
		esac
	done
}

# whack itself, not through the `ipsec` shell script: the same program and
# output, ~6 times cheaper inside UML. (The agent runs `ipsec whack`.)
LSW_WHACK=${LSW_WHACK:-/usr/libexec/ipsec/whack}
lsw_whack() {
	local side=$1
	shift
	if [ -x "$LSW_WHACK" ]; then
		"$LSW_WHACK" --ctlsocket "${SIDE_DIR[$side]}/run/pluto.ctl" "$@"
	else
		"$IPSEC_BIN" whack --ctlsocket "${SIDE_DIR[$side]}/run/pluto.ctl" "$@"
	fi
}

lsw_ns_start_pluto() {
	local side=$1 d=${SIDE_DIR[$1]}
	rm -f "$d/run/pluto.ctl" "$d/run/pluto.pid"
	# --nofork keeps the PID ours; ip netns exec execs, so $! is pluto.
	ip netns exec "${NS[$side]}" "$PLUTO_BIN" --nofork --config "$d/ipsec.conf" \
		--rundir "$d/run" --nssdir "$d/nss" --secretsfile "$d/ipsec.secrets" \
		--ipsecdir "$d/ipsec.d" --dumpdir "$d/dump" --logfile "$d/pluto.log" \
		--no-dnssec >>"$d/pluto.stderr" 2>&1 &
	PLUTO_PID[$side]=$!
	lsw_ns_wait_for 20 "lsw_whack $side --status" || {
		tail -n 30 "$d/pluto.stderr" "$d/pluto.log"
		lsw_fail "pluto ($side) does not answer on $d/run/pluto.ctl"
	}
}

lsw_ns_stop_pluto() {
	local side=$1 p=${PLUTO_PID[$1]:-} i
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	i=$?
	PLUTO_PID[$side]=""
	# pluto 4.10 sometimes dies of SIGSEGV while shutting down; say so (it
	# is libreswan's, not ours, and the test has its result by then).
	if [ $i -gt 128 ] && [ $i != 143 ]; then
		lsw_log "pluto ($side) died of signal $((i - 128)) on SIGTERM; the end of its log:"
		tail -n 5 "${SIDE_DIR[$side]}/pluto.log" | sed 's/^/#   /'
	fi
	return 0
}

lsw_ns_add_conns() {
	local side=$1 d=${SIDE_DIR[$1]} c
	for c in ${LSW_SIDE_CONNS[$side]}; do
		"$IPSEC_BIN" addconn --ctlsocket "$d/run/pluto.ctl" --config "$d/ipsec.conf" "$c" \
			>>"$d/addconn.log" 2>&1 || { cat "$d/addconn.log"; lsw_fail "addconn $c ($side)"; }
	done
}

# lsw_ns_add_badid: on west, the connection v2-badid with an ID east has no
# connection for: east answers its IKE_AUTH with AUTHENTICATION_FAILED, a
# failed negotiation and a notification counter on both sides
# (--globalstatus). Added, not initiated; 1 when addconn fails.
lsw_ns_add_badid() {
	local d=${SIDE_DIR[west]}
	cat >>"$d/ipsec.conf" <<'CONF'

conn v2-badid
	ikev2=insist
	left=192.0.2.1
	leftid=@west-unknown
	right=192.0.2.2
	rightid=@east
	authby=secret
CONF
	echo '@west-unknown @east : PSK "e2e-badid-not-secret-0123456789abcdef"' >>"$d/ipsec.secrets"
	lsw_whack west --rereadsecrets >/dev/null
	"$IPSEC_BIN" addconn --ctlsocket "$d/run/pluto.ctl" --config "$d/ipsec.conf" v2-badid \
		>>"$d/addconn.log" 2>&1
}

# Both plutos started and every connection of each side added: the start
# of every test that wants west and east talking.
lsw_ns_start_both() {
	lsw_ns_start_pluto west
	lsw_ns_start_pluto east
	lsw_ns_add_conns west
	lsw_ns_add_conns east
}

# lsw_ns_up_count SIDE: number of established IKE SAs in --showstates.
lsw_ns_established_ike() {
	lsw_whack "$1" --showstates 2>/dev/null | grep -cE 'STATE_(V2_ESTABLISHED_IKE_SA|MAIN_I4|MAIN_R3)'
}

# lsw_ns_wait_for SECS CMD: lsw_wait_for with a pause that suits the tier
# (inside UML every check costs real CPU, shared with pluto and snmpd).
# Deadlines stretch by LSW_NS_SLOW (3 inside UML, where everything is slower
# and a loaded CI host must not make the test flaky).
LSW_NS_PAUSE=0.1 LSW_NS_SLOW=1
[ "${LSW_TIER:-}" = uml ] && LSW_NS_PAUSE=0.5 LSW_NS_SLOW=3
lsw_ns_wait_for() {
	local end=$((SECONDS + $1 * LSW_NS_SLOW))
	while :; do
		eval "$2" >/dev/null 2>&1 && return 0
		[ $SECONDS -ge $end ] && return 1
		sleep $LSW_NS_PAUSE
	done
}

# lsw_ns_wait_showstates SIDE SECS N REGEX: wait until --showstates has at
# least N lines matching REGEX (grep -E).
lsw_ns_wait_showstates() {
	local side=$1 secs=$2 n=$3 re=$4
	lsw_ns_wait_for "$secs" "[ \$(lsw_whack $side --showstates 2>/dev/null | grep -cE '$re') -ge $n ]"
}

# Established states of 4.10 (IKE SA and Child SA, IKEv1 and IKEv2).
LSW_RE_IKE_UP='STATE_(V2_ESTABLISHED_IKE_SA|MAIN_I4|MAIN_R3|AGGR_I2|AGGR_R2)'
LSW_RE_CHILD_UP='STATE_(V2_ESTABLISHED_CHILD_SA|QUICK_I2|QUICK_R2)'

# lsw_ns_newest_ike SIDE CONN [INST]: the serial of the connection's newest
# IKE SA (0: none); INST is a sed regex such as '\[1\]'.
lsw_ns_newest_ike() {
	lsw_whack "$1" --status 2>/dev/null |
		sed -n "s/^000 \"$2\"${3:-}:.*newest \(IKE\|ISAKMP\) SA: #\([0-9]*\);.*/\2/p" | head -n1
}

lsw_ns_newest_ipsec() {
	lsw_whack "$1" --status 2>/dev/null |
		sed -n "s/^000 \"$2\"${3:-}:.*newest IPsec SA: #\([0-9]*\);.*/\1/p" | head -n1
}

# lsw_ns_esp_probe: LSW_ESP=1 when the kernel takes an ESP SA with
# libreswan's default AEAD (AES-GCM), else 0. Decides whether Child SAs can
# come up here (the host kernel of the namespace tier usually has no ESP;
# the UML guest has).
lsw_ns_esp_probe() {
	local key=0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567
	LSW_ESP=0
	if lsw_ns_exec west ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 \
		mode tunnel aead 'rfc4106(gcm(aes))' "$key" 128 >/dev/null 2>&1; then
		LSW_ESP=1
		lsw_ns_exec west ip xfrm state flush
	fi
}
