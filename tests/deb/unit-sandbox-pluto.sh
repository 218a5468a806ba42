#!/usr/bin/env bash
# tests/deb/unit-sandbox-pluto.sh - the agent and `ipsec whack` still reach a
# real pluto under the restrictions of init/libreswan-agentx.service, on a
# host without systemd as PID 1 (CI, containers), where the unit itself
# cannot run. The restrictions that matter for talking to pluto and snmpd
# are rebuilt by hand, with systemd's own system call sets:
#
#   ProtectSystem=strict      a private mount namespace (unshare -m) with
#                             every mount but /proc, /sys, /dev read-only
#   CapabilityBoundingSet=CAP_NET_ADMIN
#   AmbientCapabilities=      uid 0 with only CAP_NET_ADMIN in its bounding
#                             set, no inheritable or ambient capabilities
#   NoNewPrivileges=yes       (setpriv)
#   SystemCallFilter=@system-service, SystemCallFilter=~@privileged
#   @resources, SystemCallErrorNumber=EPERM, SystemCallArchitectures=native,
#   RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
#                             a seccomp filter (tests/deb/seccomp-run.c)
#                             from `systemd-analyze syscall-filter`'s lists
#   UMask=0077                umask
#
# Not rebuilt: PrivateTmp (the test's pluto and snmpd sockets live under
# /tmp; the real ones are /run/pluto/pluto.ctl and /var/agentx/master),
# IPAddressDeny (a cgroup BPF filter on IP traffic: none is used), the
# Protect{Kernel*,Proc,Clock,Hostname}/PrivateDevices/PrivateMounts mounts,
# RestrictNamespaces/Realtime/SUIDSGID, MemoryDenyWriteExecute and
# LockPersonality (none is a call whack or the agent makes). The unit's
# filter lines are read from the unit file, so a change there is tested.
#
# Then: west and east plutos in network namespaces (tests/e2e/lib-ns.sh),
# IKE SAs up; under the sandbox, lswstat (the agent's collector code: it
# forks and execs /usr/sbin/ipsec, a shell script exec'ing whack) must see
# what whack sees, and the daemon itself, attached to a private snmpd,
# must serve pluto's connections with successful polls.
# Exit 0 pass, 1 fail, 77 skip (not root, no netns, no pluto, not x86-64).
. "$(dirname "$0")/../lib.sh"
. "$LSW_TOP/tests/e2e/lib-ns.sh"
lsw_ns_require
lsw_require unshare setpriv findmnt systemd-analyze cc jq
[ "$(uname -m)" = x86_64 ] || lsw_skip "seccomp-run is x86-64 only"
# The unit and the programs: the tree's by default; check-deb passes the
# installed ones (UNIT=/lib/systemd/system/..., LSW_AGENTX_BIN, LSW_LSWSTAT_BIN).
UNIT=${UNIT:-$LSW_TOP/init/libreswan-agentx.service}
AGENTX_BIN=${LSW_AGENTX_BIN:-$AGENTX_BIN}
LSWSTAT_BIN=${LSW_LSWSTAT_BIN:-$LSWSTAT_BIN}
[ -x "$LSWSTAT_BIN" ] && [ -x "$AGENTX_BIN" ] || lsw_fail "$LSWSTAT_BIN/$AGENTX_BIN not built (make)"
lsw_setup
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# ---- the sandbox -------------------------------------------------------------
cc -O2 -o "$T/seccomp-run" "$LSW_TOP/tests/deb/seccomp-run.c" || lsw_fail "cc seccomp-run.c"
expand() { # the system calls of a set, nested sets expanded
	systemd-analyze syscall-filter --no-pager "$1" | tail -n +2 | sed 's/^ *//' |
		grep -v -e '^#' -e '^$' | while read -r n; do
		case $n in @*) expand "$n" ;; *) echo "$n" ;; esac
	done
}
# The unit's SystemCallFilter= lines: the first an allow list, the next
# ones (~...) taken out of it, as systemd does.
: >"$T/allow.names"
while read -r line; do
	v=${line#SystemCallFilter=}
	case $v in
	\~*) for s in ${v#\~}; do expand "$s"; done | sort -u >"$T/deny.names"
		comm -23 "$T/allow.names" "$T/deny.names" >"$T/allow.tmp" && mv "$T/allow.tmp" "$T/allow.names" ;;
	*) { cat "$T/allow.names"; for s in $v; do expand "$s"; done; } | sort -u >"$T/allow.tmp" &&
		mv "$T/allow.tmp" "$T/allow.names" ;;
	esac
done < <(grep '^SystemCallFilter=' "$UNIT")
grep -q '^SystemCallErrorNumber=EPERM$' "$UNIT" || fail "the unit's SystemCallErrorNumber is not EPERM: rebuild this test's filter"
grep -qx 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK' "$UNIT" ||
	fail "the unit's RestrictAddressFamilies is not seccomp-run.c's: rebuild it"
grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN' "$UNIT" || fail "the unit's capabilities are not the sandbox's"
printf '#include <sys/syscall.h>\n' | cc -dM -E - |
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/\1 \2/p' | sort >"$T/nr.map"
join "$T/allow.names" "$T/nr.map" | awk '{ print $2 }' >"$T/allow.nrs"
lsw_log "$(wc -l <"$T/allow.names") system calls allowed ($(wc -l <"$T/allow.nrs") on x86-64)"

cat >"$T/sandbox" <<EOF
#!/bin/sh
# ProtectSystem=strict, then CAP_NET_ADMIN alone, then the seccomp filter.
exec unshare -m --propagation private sh -c '
	findmnt -rn -o TARGET | sort -u | while read -r m; do
		case \$m in /proc | /proc/* | /sys | /sys/* | /dev | /dev/*) continue ;; esac
		mount -o remount,bind,ro "\$m" 2>/dev/null
	done
	umask 077
	exec setpriv --bounding-set=-all,+net_admin --inh-caps=-all --ambient-caps=-all --no-new-privs -- \
		"$T/seccomp-run" "$T/allow.nrs" "\$@"' sandbox "\$@"
EOF
chmod 755 "$T/sandbox"
S=$T/sandbox

# The sandbox is one: read-only, CAP_NET_ADMIN alone, filtered.
touch "$T/owned"
"$S" sh -c "touch '$T/ro-probe'" 2>/dev/null && fail "sandbox: $T is writable"
"$S" sh -c "chown 0:0 '$T/owned'" 2>/dev/null && fail "sandbox: chown (@privileged) allowed"
# CAP_NET_ADMIN alone: bit 12
"$S" grep -q '^CapEff:[[:space:]]*0*1000$' /proc/self/status || fail "sandbox: capabilities other than CAP_NET_ADMIN"
"$S" grep -q '^Seccomp:[[:space:]]*2$' /proc/self/status || fail "sandbox: no seccomp filter"
[ $failures = 0 ] || lsw_fail "the sandbox does not restrict as the unit does"
lsw_log "sandbox: read-only, CAP_NET_ADMIN alone, seccomp filter on"

# ---- a real pluto ------------------------------------------------------------
lsw_ns_setup
lsw_ns_start_both
CTL=${SIDE_DIR[west]}/run/pluto.ctl
for c in $LSW_CONNS; do lsw_whack west --initiate --asynchronous --name "$c" >/dev/null; done
lsw_ns_wait_showstates west 30 4 "$LSW_RE_IKE_UP" || lsw_fail "IKE SAs did not come up: $(lsw_whack west --showstates)"
sleep 1

# lswstat: the same fork/exec of `ipsec whack` as the agent's collector.
"$LSWSTAT_BIN" --ipsec "$IPSEC_BIN" --ctlsocket "$CTL" --json >"$T/free.json" 2>&1 ||
	lsw_fail "lswstat outside the sandbox: $(cat "$T/free.json")"
"$S" "$LSWSTAT_BIN" --ipsec "$IPSEC_BIN" --ctlsocket "$CTL" --json >"$T/sbx.json" 2>"$T/sbx.err" ||
	fail "lswstat in the sandbox: $(cat "$T/sbx.json" "$T/sbx.err")"
q='[([.connections[] | .name + .instance] | sort), (.ike_sas | length), .totals.connections.loaded, .unparsed]'
free=$(jq -c "$q" "$T/free.json") sbx=$(jq -c "$q" "$T/sbx.json" 2>&1)
if [ "$free" = "$sbx" ]; then
	lsw_log "lswstat (ipsec whack) in the sandbox: $sbx"
else
	fail "lswstat in the sandbox: $sbx, outside: $free"
fi

# The daemon under the sandbox, attached to a private snmpd (not sandboxed).
lsw_start_snmpd
: >"$T/empty.conf"
AGENT_LOG=$T/agent.log
# In west's namespace, where its pluto's SAs are: the kernel source too.
ip netns exec "${NS[west]}" "$S" "$AGENTX_BIN" -f -c "$T/empty.conf" -x "$AGENTX_SOCK" \
	--ipsec "$IPSEC_BIN" --ctlsocket "$CTL" --interval 1 >>"$AGENT_LOG" 2>&1 &
lsw_track $!
lsw_wait_for 20 "[ \"\$(lsw_get lsPollSuccesses.0)\" -ge 2 ] 2>/dev/null" ||
	fail "agent in the sandbox: no successful polls ($(lsw_get lsPollSuccesses.0 2>/dev/null)); log: $(cat "$AGENT_LOG")"
n=$(lsw_get lsConnCount.0 2>/dev/null)
want=$(jq '.connections | length' "$T/free.json")
[ "$n" = "$want" ] || fail "agent in the sandbox: lsConnCount $n, lswstat $want"
pf=$(lsw_get lsPollFailures.0 2>/dev/null)
[ "$pf" = 0 ] || fail "agent in the sandbox: lsPollFailures $pf; log: $(cat "$AGENT_LOG")"
lsw_log "agent in the sandbox: lsPollSuccesses $(lsw_get lsPollSuccesses.0 2>/dev/null), lsConnCount $n, lsPollFailures $pf"
# the kernel source (XFRM netlink, /proc/self/net/xfrm_stat) under it
ks=$(lsw_get lsKernelStatus.0 2>/dev/null)
[ "$ks" = ok ] || fail "agent in the sandbox: lsKernelStatus $ks ($(lsw_get lsKernelLastError.0 2>/dev/null))"
nx=$(snmpwalk $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsXfrmStatValue 2>/dev/null | wc -l)
[ "$nx" -gt 0 ] || fail "agent in the sandbox: no lsXfrmStatTable"
lsw_log "agent in the sandbox: lsKernelStatus $ks, $nx XFRM counters"
grep -i 'operation not permitted\|bad system call' "$AGENT_LOG" && fail "agent log shows a refused call"

[ $failures = 0 ] || lsw_fail "$failures check(s) failed"
echo "ipsec whack and the agent reach a real pluto under the unit's restrictions"
