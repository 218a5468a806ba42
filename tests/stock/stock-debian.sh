#!/usr/bin/env bash
# stock-debian: the project as a new user meets it. A minimal Debian 12
# (debootstrap --variant=minbase bookworm) with only git and make added, a
# fresh clone of the committed tree and NO ../shared beside it; then, inside
# that chroot, as root, exactly what the README says:
#
#   make deps && make && tests/demo.sh     the three tables with rows
#   make deps && make check                passes; only the corpus test skips
#   make install PREFIX=/usr               snmptranslate -On finds our MIB
#                                          by name, nothing on stderr
#   make uninstall PREFIX=/usr             leaves no file of ours
#   make check-deb                         the Debian package (when present)
#   then, outside: the chroot booted by systemd-nspawn, the package's unit
#   run by a real systemd against a real pluto (tests/stock/unit-nspawn.sh)
#
#   tests/stock/stock-debian.sh            (root; `make check-stock`)
#
# Environment: LSW_STOCK_MIRROR (default the host's deb.debian.org),
# LSW_STOCK_DIR (a work dir; default under /var/tmp, not /tmp: the chroot's
# own /tmp is a tmpfs), LSW_STOCK_KEEP=1 keeps the chroot for a look,
# LSW_STOCK_REQUIRED=1 (CI) turns "cannot build a chroot here" into a
# failure instead of a skip.
#
# The chroot gets its own proc, sysfs, devpts, /dev/shm and /run (mounted
# one by one, never a recursive bind of the host's), so removing it cannot
# reach the host; every mount is undone and checked before `rm`. Its root
# is bound onto itself (private) so that / is a mount point inside.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
MIRROR=${LSW_STOCK_MIRROR:-http://deb.debian.org/debian}
say() { echo "# $(date +%H:%M:%S) $*"; }
skip() {
  if [ -n "${LSW_STOCK_REQUIRED:-}" ]; then echo "FAIL: $*" >&2; exit 1; fi
  echo "SKIPPED: $*"; exit 77
}
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || skip "debootstrap not installed (make deps)"
command -v git >/dev/null || skip "git not installed"
git -C "$top" rev-parse HEAD >/dev/null 2>&1 || skip "not a git checkout: nothing committed to clone"

base=${LSW_STOCK_DIR:-/var/tmp}
W=$(mktemp -d "$base/lsw-stock.XXXXXX")
R=$W/root
MOUNTS=()

mounted_under() { awk -v r="$R/" 'index($2 "/", r) == 1 { print $2 }' /proc/mounts; }
unmount_all() {
  local m p i
  # Processes left inside the chroot (a test's snmpd, pluto) first.
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && kill -9 "${p#/proc/}" 2>/dev/null
  done
  sleep 0.2
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}"; done
  MOUNTS=()
  # Whatever the tests mounted inside (ip netns binds /run/netns/*).
  for m in $(mounted_under | sort -r); do umount "$m" 2>/dev/null || umount -l "$m"; done
}
cleanup() {
  unmount_all
  if [ -n "$(mounted_under)" ]; then
    echo "stock-debian: still mounted under $R, not removing it:" >&2
    mounted_under >&2
    return
  fi
  if [ -n "${LSW_STOCK_KEEP:-}" ]; then echo "kept: $W"; return; fi
  rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mnt() { # type source target [options]
  mkdir -p "$3"
  mount -t "$1" ${4:+-o "$4"} "$2" "$3" || fail "mount $1 on $3"
  MOUNTS+=("$3")
}

t0=$SECONDS
say "debootstrap --variant=minbase bookworm from $MIRROR"
if ! debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$W/debootstrap.log" 2>&1; then
  tail -20 "$W/debootstrap.log"
  skip "debootstrap failed (no mirror reachable?)"
fi
say "debootstrap done in $((SECONDS - t0)) s"

# The chroot's / must be a mount point of its own: `ip netns exec` (the
# namespace tier) runs `mount --make-rslave /`, EINVAL on a plain dir.
mount --bind "$R" "$R" || fail "mount --bind $R"
MOUNTS+=("$R")
mount --make-private "$R" || fail "mount --make-private $R"
mnt proc proc "$R/proc"
mnt sysfs sysfs "$R/sys"
mnt devpts devpts "$R/dev/pts" newinstance,ptmxmode=0666
mnt tmpfs tmpfs "$R/dev/shm" mode=1777
mnt tmpfs tmpfs "$R/run" mode=0755
mnt tmpfs tmpfs "$R/tmp" mode=1777
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
# No service starts inside the chroot (snmpd's, pluto's postinst).
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 0755 "$R/usr/sbin/policy-rc.d"

in_root() { chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive TERM=dumb bash -c "$1"; }

t1=$SECONDS
say "git and make, as the README's user has them"
in_root "apt-get update -q && apt-get install -y -q --no-install-recommends git make ca-certificates" \
  >"$W/apt-base.log" 2>&1 || { tail -20 "$W/apt-base.log"; fail "apt-get install git make in the chroot"; }

# A fresh clone of what is committed, in a dir with no shared/ beside it.
mkdir -p "$R/home/user"
git clone -q "$top" "$R/home/user/libreswan-agentx" || fail "git clone"
[ ! -e "$R/home/user/shared" ] || fail "a ../shared is beside the clone"
SRC=/home/user/libreswan-agentx
say "base system ready in $((SECONDS - t1)) s; clone at $(git -C "$top" rev-parse --short HEAD)"

t2=$SECONDS
say "README: make deps && make && tests/demo.sh"
in_root "cd $SRC && make deps && make && tests/demo.sh" >"$W/demo.log" 2>&1 ||
  { tail -40 "$W/demo.log"; fail "the README's demo line failed"; }
# The three tables, each with its rows (real values of the bundled capture).
for want in 'SNMP table: LIBRESWAN-STATUS-MIB::lsConnTable' 'SNMP table: LIBRESWAN-STATUS-MIB::lsIkeSaTable' \
            'SNMP table: LIBRESWAN-STATUS-MIB::lsIpsecSaTable' 'v2-tunnel' 'STATE_V2_ESTABLISHED_CHILD_SA' 'f2202e6e'; do
  grep -qF "$want" "$W/demo.log" || { tail -40 "$W/demo.log"; fail "demo output lacks '$want'"; }
done
say "demo: three tables with rows, $((SECONDS - t2)) s (make deps included)"

t3=$SECONDS
say "README: make deps && make check"
in_root "cd $SRC && make deps && make check" >"$W/check.log" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP) |passed, .* failed' "$W/check.log"
[ $rc = 0 ] || { grep -A80 -- '^----- ' "$W/check.log" | head -120; fail "make check failed in the stock chroot"; }
# Without ../shared only the tests that read its corpus may skip.
bad=$(grep '^SKIP ' "$W/check.log" | grep -v '^SKIP  test_corpus ' || true)
[ -z "$bad" ] || fail "skipped without ../shared, though they need none of it: $bad"
say "make check passed in $((SECONDS - t3)) s"

t4=$SECONDS
say "README: make install PREFIX=/usr, then the MIB by name"
in_root "cd $SRC && make install PREFIX=/usr" >"$W/install.log" 2>&1 || { tail -20 "$W/install.log"; fail "make install"; }
out=$(in_root "cd / && snmptranslate -On LIBRESWAN-STATUS-MIB::lsConnTable" 2>"$W/translate.err")
err=$(cat "$W/translate.err")
[ "$out" = .1.3.6.1.4.1.41286.1.1.2 ] || fail "snmptranslate -On LIBRESWAN-STATUS-MIB::lsConnTable: '$out' $err"
[ -z "$err" ] || fail "snmptranslate printed on stderr: $err"
echo "ok snmptranslate -On LIBRESWAN-STATUS-MIB::lsConnTable = $out, stderr empty"
out=$(in_root "snmptranslate -Td LIBRESWAN-STATUS-MIB::lsConnDown" 2>&1)
echo "$out" | grep -q 'NOTIFICATION-TYPE' || fail "snmptranslate -Td lsConnDown: $out"
in_root "libreswan-agentx --version && lswstat --help >/dev/null" || fail "installed binaries do not run"
in_root "cd $SRC && make uninstall PREFIX=/usr" >>"$W/install.log" 2>&1 || fail "make uninstall"
for f in /usr/sbin/libreswan-agentx /usr/bin/lswstat /usr/share/snmp/mibs/LIBRESWAN-STATUS-MIB.txt \
         /usr/share/libreswan-agentx /usr/share/snmp/snmp.conf; do
  [ ! -e "$R$f" ] || fail "make uninstall left $f"
done
say "install, MIB by name, uninstall: $((SECONDS - t4)) s"

if in_root "cd $SRC && grep -q '^check-deb:' Makefile"; then
  t5=$SECONDS
  say "make check-deb (the Debian package on a stock system)"
  in_root "cd $SRC && make deps && make check-deb" >"$W/deb.log" 2>&1 ||
    { tail -60 "$W/deb.log"; fail "make check-deb failed in the stock chroot"; }
  tail -5 "$W/deb.log"
  say "check-deb passed in $((SECONDS - t5)) s"
fi
# Last, the unit under a real systemd: the chroot booted with systemd-nspawn
# (which mounts what it needs itself, so ours go first).
unmount_all
t6=$SECONDS
say "the installed unit under systemd as PID 1 (systemd-nspawn --boot)"
"$top/tests/stock/unit-nspawn.sh" "$R" >"$W/nspawn.log" 2>&1
rc=$?
cat "$W/nspawn.log" | grep -v '^#' | tail -8
case $rc in
  0) say "unit under systemd passed in $((SECONDS - t6)) s" ;;
  77) [ -n "${LSW_STOCK_REQUIRED:-}" ] && fail "unit-nspawn skipped: $(tail -1 "$W/nspawn.log")"
      echo "note: $(tail -1 "$W/nspawn.log")" ;;
  *) fail "the unit under systemd-nspawn failed" ;;
esac
say "stock Debian 12 tier passed in $((SECONDS - t0)) s"
echo PASS
