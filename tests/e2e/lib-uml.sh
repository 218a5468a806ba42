# tests/e2e/lib-uml.sh - run a command inside User-Mode-Linux (Debian's
# user-mode-linux package), on the host's root, with a kernel that has ESP.
# Sourced after tests/lib.sh and lsw_setup (needs $T).
#
#   lsw_uml_require               skip (77) unless linux.uml and its modules
#   lsw_uml_run SECS CMD...       boot, run CMD as root in the guest, power off;
#                                 returns CMD's exit code (124 on timeout),
#                                 guest output in $UML_LOG, console in $UML_CONSOLE
#
# The guest mounts the host's / read-only (hostfs), tmpfs on /run, /var/log
# and /tmp, and only $T read-write (hostfs again, at the same path), so it
# cannot write to the host outside the test's temp dir. uml_dir= (UML's
# own socket/pid files) is in $T too.
UML_BIN=${UML_BIN:-/usr/bin/linux.uml}
UML_MEM=${UML_MEM:-384M}
# Modules for IPsec in the guest: XFRM netlink, ESP for IPv4/IPv6, the
# AEAD/cipher/hash templates libreswan's default proposals use, veth.
UML_MODULES="ipv6 xfrm_user esp4 esp6 veth authenc authencesn gcm ccm cbc ctr seqiv echainiv ghash-generic hmac sha512_generic xfrm4_tunnel xfrm6_tunnel tunnel4 tunnel6 ipcomp ipcomp6"

lsw_uml_require() {
	[ -x "$UML_BIN" ] || lsw_skip "$UML_BIN missing: install user-mode-linux (make deps) for the UML tier"
	UML_KVER=$("$UML_BIN" --version 2>/dev/null | tail -n1)
	UML_MODDIR=/usr/lib/uml/modules/$UML_KVER
	[ -d "$UML_MODDIR" ] || lsw_skip "UML modules $UML_MODDIR missing (user-mode-linux package incomplete)"
	[ "$(id -u)" = 0 ] || lsw_skip "not root (the guest runs namespaces and pluto as root)"
	command -v modprobe >/dev/null 2>&1 || lsw_skip "modprobe (kmod) not installed (make deps)"
}

# lsw_uml_run SECS CMD...: the command runs with the test's environment
# variables that matter (BUILD, LSW_TOP, LSW_SHARED) and LSW_TIER=uml.
lsw_uml_run() {
	local secs=$1 q a rc end
	shift
	q=""
	for a in "$@"; do q="$q $(printf '%q' "$a")"; done
	UML_LOG=$T/uml-guest.log
	local d UML_RO_DIRS="" uml_shared
	uml_shared=$(readlink -f "$LSW_SHARED" 2>/dev/null || echo "$LSW_SHARED")
	for d in "$LSW_TOP" "$(readlink -f "$LSW_SHARED" 2>/dev/null)"; do
		case $d in /tmp/*) UML_RO_DIRS="$UML_RO_DIRS $(printf '%q' "$d")" ;; esac
	done
	UML_CONSOLE=$T/uml-console.log
	mkdir -p "$T/uml"
	rm -f "$T/uml-guest.rc"
	cat >"$T/uml-init.sh" <<INIT
#!/bin/sh
# PID 1 of the UML guest, written by tests/e2e/lib-uml.sh.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs tmpfs /var/log
mount -t tmpfs -o mode=1777 tmpfs /tmp
grep -q ' /dev ' /proc/mounts || mount -t devtmpfs dev /dev
# devtmpfs has no /dev/fd (udev makes it); bash's <(...) needs it.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do [ -e /dev/\${i#*:} ] || ln -s /proc/self/fd/\${i%:*} /dev/\${i#*:}; done
# The tmpfs on /tmp hides the host's /tmp: a checkout (or ../shared) that
# lives there is mounted again from the host, read-only.
for d in $UML_RO_DIRS; do
	mkdir -p "\$d" && mount -r -t hostfs -o "\$d" hostfs "\$d" || echo "UML: cannot mount \$d"
done
# The test's temp dir is the only host directory the guest may write.
mkdir -p '$T'
mount -t hostfs -o '$T' hostfs '$T' || { echo "UML: cannot mount $T"; poweroff -f --no-wtmp; }
ip link set lo up
# modprobe -d wants DIR/lib/modules/VERSION; build that in tmpfs.
mkdir -p /tmp/mods/lib/modules
ln -s '$UML_MODDIR' "/tmp/mods/lib/modules/\$(uname -r)"
# The kernel autoloads crypto templates (rfc4106, ...) through
# /proc/sys/kernel/modprobe; point it at the same module tree.
printf '#!/bin/sh\nexec /usr/sbin/modprobe -d /tmp/mods "\$@"\n' >/tmp/modprobe
chmod 755 /tmp/modprobe
echo /tmp/modprobe >/proc/sys/kernel/modprobe
for m in $UML_MODULES; do
	modprobe -d /tmp/mods \$m || echo "UML: modprobe \$m failed"
done
echo "UML: up after \$(cut -d' ' -f1 /proc/uptime)s, modules: \$(wc -l </proc/modules)"
cd '$LSW_TOP'
env BUILD='$BUILD' LSW_TOP='$LSW_TOP' LSW_SHARED='$uml_shared' LSW_TIER=uml HOME=/tmp LSW_E2E_INTERVAL='${LSW_E2E_INTERVAL:-1}' \
	$q >'$UML_LOG' 2>&1
echo \$? >'$T/uml-guest.rc'
sync
echo "UML: done after \$(cut -d' ' -f1 /proc/uptime)s"
poweroff -f --no-wtmp
INIT
	chmod 755 "$T/uml-init.sh"
	"$UML_BIN" mem="$UML_MEM" root=/dev/root rootfstype=hostfs rootflags=/ ro \
		init="$T/uml-init.sh" uml_dir="$T/uml" umid=lsw$$ con=null con0=null,fd:1 \
		</dev/null >"$UML_CONSOLE" 2>&1 &
	UML_PID=$!
	lsw_track "$UML_PID"
	end=$(($(date +%s) + secs))
	while kill -0 "$UML_PID" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 0.2; done
	if kill -0 "$UML_PID" 2>/dev/null; then
		lsw_log "UML still running after ${secs}s: killing it"
		kill "$UML_PID"
		sleep 1
		kill -9 "$UML_PID" 2>/dev/null
		wait "$UML_PID" 2>/dev/null
		return 124
	fi
	wait "$UML_PID" 2>/dev/null
	[ -f "$T/uml-guest.rc" ] || { lsw_log "guest gave no exit code"; tail -n 30 "$UML_CONSOLE"; return 125; }
	rc=$(cat "$T/uml-guest.rc")
	return "$rc"
}
