#!/usr/bin/env bash
# unit-nspawn: the installed unit under a real systemd as PID 1. CI and this
# host have no systemd as init, so the stock chroot of stock-debian.sh
# (ROOT: Debian 12 minbase with the project's clone, snmpd and libreswan)
# is booted with systemd-nspawn (--private-network: only its own loopback).
# Inside: the .deb built from the clone, snmpd configured with the shipped
# snippet (SNMPv3 authPriv), pluto started by Debian's ipsec.service with
# one connection; then, over SNMPv3, the agent must report a good poll of
# the real pluto and its kernel source work (lsKernelStatus ok), while
# /proc shows the unit's sandbox applied to it (CAP_NET_ADMIN alone,
# no_new_privs, a seccomp filter, / read-only).
#
#   tests/stock/unit-nspawn.sh ROOT        (root; run by stock-debian.sh)
#
# Exit 0 pass, 1 fail, 77 skip (no systemd-nspawn, or it cannot boot here).
set -u
R=${1:?usage: unit-nspawn.sh ROOT}
SRC=/home/user/libreswan-agentx
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }
say() { echo "# $(date +%H:%M:%S) $*"; }
command -v systemd-nspawn >/dev/null || skip "systemd-nspawn not installed (systemd-container)"
[ -d "$R$SRC" ] || fail "no clone at $R$SRC"

say "systemd as init, the package, snmpd and pluto configured in the root"
chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive bash -c "
  apt-get install -y -q --no-install-recommends systemd-sysv dbus >/dev/null &&
  cd $SRC && make deb >/tmp/make-deb.log 2>&1 &&
  dpkg -i build/libreswan-agentx_*_\$(dpkg --print-architecture).deb >/dev/null &&
  systemctl enable ipsec snmpd libreswan-agentx >/dev/null 2>&1" || fail "preparing the root"
rm -f "$R/usr/sbin/policy-rc.d"
AUTH=nspawn-auth-passphrase PRIV=nspawn-priv-passphrase
{
  echo "agentAddress udp:127.0.0.1:161"
  sed -e "s/AUTH-PASSPHRASE/$AUTH/g; s/PRIV-PASSPHRASE/$PRIV/g; s/192\\.0\\.2\\.10/127.0.0.1:1162/" \
    "$R/usr/share/doc/libreswan-agentx/examples/snmpd.conf.snippet"
} >"$R/etc/snmp/snmpd.conf"
# A user left from an earlier boot would keep its old keys.
rm -f "$R/var/lib/snmp/snmpd.conf"
cat >"$R/etc/ipsec.d/lsw-nspawn.conf" <<'EOF'
conn lsw-nspawn
	left=127.0.0.1
	right=192.0.2.2
	leftid=@west
	rightid=@east
	authby=secret
	ikev2=insist
	auto=add
EOF
echo '@west @east : PSK "lsw-nspawn-test-psk-0123456789"' >"$R/etc/ipsec.d/lsw-nspawn.secrets"
chmod 600 "$R/etc/ipsec.d/lsw-nspawn.secrets"

LOG=$(mktemp /tmp/lsw-nspawn.XXXXXX)
say "systemd-nspawn --boot"
systemd-nspawn -q -D "$R" -b --register=no --keep-unit --private-network -M lsw-stock >"$LOG" 2>&1 &
NSPAWN=$!
stop() {
  kill -TERM "$NSPAWN" 2>/dev/null # nspawn powers the container off
  for _ in $(seq 1 100); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$NSPAWN" 2>/dev/null
  wait "$NSPAWN" 2>/dev/null
  rm -f "$LOG"
}
trap stop EXIT
# The container's init: the child of nspawn.
init=
for _ in $(seq 1 100); do
  init=$(pgrep -P "$NSPAWN" | head -1)
  [ -n "$init" ] && [ "$(cat /proc/"$init"/comm 2>/dev/null)" = systemd ] && break
  kill -0 "$NSPAWN" 2>/dev/null || { tail -5 "$LOG"; skip "systemd-nspawn cannot boot here"; }
  sleep 0.2
done
[ -n "$init" ] || skip "no init in the container"
IN() { nsenter -t "$init" -m -u -i -n -p -C -- "$@"; }
ok=
for _ in $(seq 1 150); do
  state=$(IN systemctl is-system-running 2>/dev/null)
  case $state in running | degraded) ok=1; break ;; esac
  sleep 0.2
done
[ -n "$ok" ] || { tail -20 "$LOG"; fail "the container did not finish booting ($state)"; }
for u in ipsec snmpd libreswan-agentx; do
  IN systemctl is-active -q "$u" || { IN systemctl --no-pager status "$u" | tail -15; fail "$u is not active"; }
done
echo "ok booted ($state): ipsec, snmpd and libreswan-agentx active under systemd $(IN systemctl --version | head -1 | cut -d' ' -f2)"

V3="-v3 -l authPriv -u nms -a SHA-256 -A $AUTH -x AES -X $PRIV -t 2 -r 1 127.0.0.1"
get() { IN snmpget $V3 -Oqv "LIBRESWAN-STATUS-MIB::$1"; }
snmpwalk_n() { IN snmpwalk $V3 -Oqv "LIBRESWAN-STATUS-MIB::$1" | wc -l; }
for _ in $(seq 1 60); do
  [ "$(get lsPollSuccesses.0 2>/dev/null)" -ge 1 ] 2>/dev/null && break
  sleep 0.5
done
status=$(get lsCollectorStatus.0) failures=$(get lsPollFailures.0) version=$(get lsPlutoVersion.0)
oper=$(get 'lsConnOperStatus."lsw-nspawn".""')
echo "lsCollectorStatus=$status lsPollSuccesses=$(get lsPollSuccesses.0) lsPollFailures=$failures lsPlutoVersion=$version lsConnOperStatus.lsw-nspawn=$oper"
[ "$status" = ok ] || { IN journalctl -u libreswan-agentx --no-pager | tail; fail "collector not ok: $(get lsLastError.0)"; }
[ "$failures" = 0 ] || fail "polls failed under the unit: $(get lsLastError.0)"
[ -n "$version" ] || fail "no pluto version: whack did not reach pluto"
[ "$oper" = down ] || fail "connection lsw-nspawn not served as loaded-and-down: '$oper'"
echo "ok ipsec whack reaches pluto from inside the unit; served over SNMPv3 authPriv"

pid=$(IN systemctl show -p MainPID --value libreswan-agentx)
st=$(IN cat "/proc/$pid/status")
# CAP_NET_ADMIN (bit 12) alone: the kernel source's XFRM netlink dump
echo "$st" | grep -q '^CapEff:[[:space:]]*0000000000001000$' || fail "the agent has capabilities other than CAP_NET_ADMIN: $(echo "$st" | grep ^Cap)"
echo "$st" | grep -q '^CapBnd:[[:space:]]*0000000000001000$' || fail "the agent's bounding set is not CAP_NET_ADMIN alone"
kstat=$(get lsKernelStatus.0)
[ "$kstat" = ok ] || fail "lsKernelStatus under the unit: '$kstat' ($(get lsKernelLastError.0))"
echo "ok the kernel source works under the unit: lsKernelStatus $kstat, $(snmpwalk_n lsXfrmStatValue) XFRM counters"
echo "$st" | grep -q '^NoNewPrivs:[[:space:]]*1$' || fail "no_new_privs not set"
echo "$st" | grep -q '^Seccomp:[[:space:]]*2$' || fail "no seccomp filter"
IN awk '$5 == "/" { print $6 }' "/proc/$pid/mountinfo" | grep -q '^ro' || fail "/ is not read-only for the agent"
echo "ok the agent runs with CAP_NET_ADMIN alone, no_new_privs, a seccomp filter and / read-only"
echo "ok $(IN systemd-analyze security libreswan-agentx --no-pager 2>&1 | tail -1)"
echo PASS
