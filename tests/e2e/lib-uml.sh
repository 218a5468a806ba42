# tests/e2e/lib-uml.sh - run a command inside User-Mode-Linux, on the
# host's root, with a kernel that has ESP.
# Sourced after tests/lib.sh and lsw_setup (needs $T).
#
#   lsw_uml_require               choose the kernel (below); skip (77) when
#                                 there is none, fail when it does not boot
#   lsw_uml_run SECS CMD...       boot, run CMD as root in the guest, power off;
#                                 returns CMD's exit code (124 on timeout),
#                                 guest output in $UML_LOG, console in $UML_CONSOLE
#
# The kernel: Debian 12's user-mode-linux (/usr/bin/linux.uml, modules in
# /usr/lib/uml/modules/VERSION) when it boots here; on a host where it
# panics because the host refuses its XSAVE buffer (CPUs with AMX; see
# tests/e2e/uml-kernel.sh), Debian unstable's, which `make deps` (or this
# tier, when it is missing) fetches into build/uml/. UML_BIN and
# UML_MODDIR in the environment choose another one.
#
# The guest mounts the host's / read-only (hostfs), tmpfs on /run, /var/log
# and /tmp, and only $T read-write (hostfs again, at the same path), so it
# cannot write to the host outside the test's temp dir. uml_dir= (UML's
# own socket/pid files) is in $T too.
UML_MEM=${UML_MEM:-384M}
UML_KERNEL_SH=$(dirname "${BASH_SOURCE[0]}")/uml-kernel.sh
# Modules for IPsec in the guest: XFRM netlink, ESP for IPv4/IPv6, the
# AEAD/cipher/hash templates libreswan's default proposals use, veth.
# A:B: the first of A, B that loads (module names differ between kernel
# versions: 7.2 has no ghash-generic, its gcm uses libgf128hash). IPv6 is
# a module in 6.1, built in (and no module at all) in 7.2: loaded if absent.
UML_MODULES="xfrm_user esp4 esp6 veth authenc authencesn gcm ccm cbc ctr seqiv echainiv ghash-generic:libgf128hash hmac crypto-sha512 xfrm4_tunnel xfrm6_tunnel tunnel4 tunnel6 ipcomp ipcomp6"

lsw_uml_require() {
	local out rc
	[ "$(id -u)" = 0 ] || lsw_skip "not root (the guest runs namespaces and pluto as root)"
	command -v modprobe >/dev/null 2>&1 || lsw_skip "modprobe (kmod) not installed (make deps)"
	if [ -n "${UML_BIN:-}" ]; then
		[ -x "$UML_BIN" ] || lsw_fail "UML_BIN=$UML_BIN: not executable"
	else
		UML_BIN=/usr/bin/linux.uml
		[ -x "$UML_BIN" ] || lsw_skip "$UML_BIN missing: install user-mode-linux (make deps) for the UML tier"
		"$UML_KERNEL_SH" probe "$UML_BIN"
		rc=$?
		case $rc in
		0) ;;
		3)
			lsw_log "$UML_BIN cannot boot here: $("$UML_KERNEL_SH" why)"
			if ! out=$("$UML_KERNEL_SH" env); then
				lsw_log "no fetched kernel yet (make deps fetches it): fetching"
				"$UML_KERNEL_SH" fetch
				rc=$?
				[ $rc = 77 ] && lsw_skip "$UML_BIN cannot boot on this host and Debian unstable's user-mode-linux could not be downloaded (see above). Cause: $("$UML_KERNEL_SH" why). Fix: network to deb.debian.org, then make deps (or UML_BIN=, UML_MODDIR= a UML >= 7 kernel)"
				[ $rc = 0 ] || lsw_fail "could not set up Debian unstable's user-mode-linux in build/uml (see above)"
				out=$("$UML_KERNEL_SH" env) || lsw_fail "uml-kernel.sh fetch left no kernel"
			fi
			UML_BIN=$(sed -n 's/^UML_BIN=//p' <<<"$out")
			UML_MODDIR=$(sed -n 's/^UML_MODDIR=//p' <<<"$out")
			UML_DEB=$(sed -n 's/^UML_DEB=//p' <<<"$out")
			lsw_log "using user-mode-linux $UML_DEB from Debian unstable: $UML_BIN"
			;;
		*) lsw_fail "$UML_BIN does not boot (see its console above)" ;;
		esac
	fi
	UML_KVER=$("$UML_BIN" --version 2>/dev/null | tail -n1)
	UML_MODDIR=${UML_MODDIR:-/usr/lib/uml/modules/$UML_KVER}
	[ -d "$UML_MODDIR" ] || lsw_skip "UML modules $UML_MODDIR missing (user-mode-linux package incomplete)"
}

# lsw_uml_run SECS CMD...: the command runs with the test's environment
# variables that matter (BUILD, LSW_TOP, LSW_SHARED) and LSW_TIER=uml.
lsw_uml_run() {
	local secs=$1 q a rc end
	shift
	q=""
	for a in "$@"; do q="$q $(printf '%q' "$a")"; done
	UML_LOG=$T/uml-guest.log
	local d UML_RO_DIRS="" uml_shared uml_mods
	uml_shared=$(readlink -f "$LSW_SHARED" 2>/dev/null || echo "$LSW_SHARED")
	uml_mods=$(readlink -f "$UML_MODDIR")
	case $uml_mods in "$LSW_TOP"/*) uml_mods= ;; esac
	for d in "$LSW_TOP" "$(readlink -f "$LSW_SHARED" 2>/dev/null)" $uml_mods; do
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
[ -d /proc/sys/net/ipv6 ] || modprobe -d /tmp/mods ipv6 || echo "UML: modprobe ipv6 failed"
for m in $UML_MODULES; do
	ok=
	for a in \$(echo "\$m" | tr : " "); do
		modprobe -q -d /tmp/mods \$a && { ok=1; break; }
	done
	[ -n "\$ok" ] || echo "UML: modprobe \$m failed"
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

# lsw_uml_capture SCRIPT OUTDIR: run `bash SCRIPT DIR` (a path from the
# checkout's top) inside the guest, which may write only to its temp dir,
# then copy what it wrote there to OUTDIR. Fails the test when it fails.
lsw_uml_capture() {
	local script=$1 out=$2 rc
	lsw_uml_require
	lsw_setup
	mkdir -p "$T/out"
	lsw_uml_run 600 bash "$script" "$T/out"
	rc=$?
	cat "$UML_LOG"
	[ $rc = 0 ] || lsw_fail "capture inside UML failed ($rc)"
	cp "$T"/out/* "$out"/
}
