#!/usr/bin/env bash
# tests/e2e/uml-kernel.sh - the User-Mode-Linux kernel the UML tier boots.
#
# Debian 12's linux.uml (6.1) hands ptrace(PTRACE_SETREGSET, NT_X86_XSTATE)
# a fixed 832-byte buffer (struct _xstate). The host kernel takes only its
# whole XSAVE area (11008 bytes on a CPU with AMX, whose tile data alone is
# 8 KiB) and answers EFAULT: the guest panics at its first user process,
# console "userspace - ptrace set fp regs failed, errno = 14", then
# "Attempted to kill init". Upstream UML now asks the host for the size
# (host_fp_size); Debian 13's UML 6.12 still fails the same way, Debian
# unstable's (7.x) boots. On such a host the tier boots Debian unstable's
# user-mode-linux instead, fetched by apt (archive signature, package
# checksum) into build/uml/, never installed; its imports of glibc 2.38's
# C23 strtol/strtoul/sscanf are retargeted to glibc 2.36's
# (uml-glibc-compat.c).
#
#   uml-kernel.sh probe BIN  boot BIN with a trivial init; exit 0 when it
#                            boots, 3 on the xstate failure above, 1 else
#   uml-kernel.sh fetch      download, unpack, patch and probe the kernel;
#                            exit 0 done, 77 apt could not get it, 1 else
#   uml-kernel.sh env        print UML_BIN=... UML_MODDIR=... UML_DEB=...
#                            of the fetched kernel (exit 1 when none)
#   uml-kernel.sh deps       for `make deps`: fetch only when this host
#                            needs it (the installed linux.uml probes 3)
#   uml-kernel.sh why        one line: the cause, for messages
#
# UML_CACHE (default build/uml of the checkout), UML_DEB_MIRROR
# (http://deb.debian.org/debian), UML_DEB_SUITE (unstable).
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${UML_CACHE:-$TOP/build/uml}
MIRROR=${UML_DEB_MIRROR:-http://deb.debian.org/debian}
SUITE=${UML_DEB_SUITE:-unstable}
SYSTEM_UML=/usr/bin/linux.uml
XSTATE_SIGNATURE='ptrace set fp regs failed, errno = 14'

why() {
	local flags
	flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(amx_tile|avx512f)$' | paste -sd' ')
	echo "the host kernel ($(uname -r), CPU flags: ${flags:-no amx_tile/avx512f}) refuses UML 6.1's 832-byte XSAVE buffer (console: '$XSTATE_SIGNATURE'); Debian unstable's user-mode-linux (UML >= 7) sizes it from the host"
}

# probe BIN: exit 0 boots, 3 the xstate failure, 1 anything else (the
# console's tail on stderr).
probe() {
	local bin=$1 d rc
	d=$(mktemp -d /tmp/lsw-uml-probe.XXXXXX) || return 1
	printf '#!/bin/sh\necho LSW-UML-PROBE-OK\npoweroff -f --no-wtmp\n' >"$d/init"
	chmod 755 "$d/init"
	# (the braces keep bash's "Aborted" of the panicking kernel off stderr)
	{ timeout -k 5 60 "$bin" mem=64M root=/dev/root rootfstype=hostfs rootflags=/ ro \
		init="$d/init" uml_dir="$d" umid="probe$$" con=null con0=null,fd:1 \
		</dev/null >"$d/console" 2>&1; } 2>/dev/null
	if grep -q '^LSW-UML-PROBE-OK' "$d/console"; then
		rc=0
	elif grep -qF "$XSTATE_SIGNATURE" "$d/console"; then
		rc=3
	else
		echo "uml-kernel: $bin does not boot; console:" >&2
		tail -n 20 "$d/console" >&2
		rc=1
	fi
	rm -rf "$d"
	return $rc
}

env_of_cache() {
	local deb
	[ -f "$CACHE/kernel.env" ] || return 1
	deb=$(sed -n 's/^UML_DEB=//p' "$CACHE/kernel.env")
	[ -n "$deb" ] && [ -x "$CACHE/$deb/usr/bin/linux.uml" ] || return 1
	echo "UML_DEB=$deb"
	echo "UML_BIN=$CACHE/$deb/usr/bin/linux.uml"
	echo "UML_MODDIR=$CACHE/$deb/usr/lib/uml/modules/$(sed -n 's/^UML_KVER=//p' "$CACHE/kernel.env")"
}

fetch() {
	local apt_dir=$CACHE/apt ver deb dir kver
	local -a opts
	command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
		{ echo "uml-kernel: apt-get and dpkg-deb needed" >&2; return 77; }
	[ "$(dpkg --print-architecture)" = amd64 ] ||
		{ echo "uml-kernel: only for amd64 hosts" >&2; return 1; }
	rm -rf "$apt_dir"
	# Under sudo, build/ made here stays the checkout owner's (make runs as them).
	[ -d "${CACHE%/*}" ] || { mkdir -p "${CACHE%/*}" && chown --reference="$TOP" "${CACHE%/*}"; }
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/parts" || return 1
	: >"$apt_dir/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" >"$apt_dir/sources.list"
	# A private apt: its own sources, lists, cache and (empty) dpkg status;
	# the host's apt configuration and package state are not touched.
	opts=(-q -o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts="$apt_dir/parts"
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$apt_dir/parts"
		-o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir" -o Dir::Cache::archives="$apt_dir/archives"
		-o Dir::State::status="$apt_dir/status" -o APT::Architectures=amd64 -o Acquire::Languages=none)
	[ "$(id -u)" = 0 ] && opts+=(-o APT::Sandbox::User=root)
	echo "uml-kernel: apt-get update ($MIRROR $SUITE, private lists in $apt_dir)"
	apt-get "${opts[@]}" --error-on=any update >"$apt_dir/update.log" 2>&1 ||
		{ cat "$apt_dir/update.log" >&2; echo "uml-kernel: apt-get update of $MIRROR $SUITE failed" >&2; return 77; }
	ver=$(apt-cache "${opts[@]}" show user-mode-linux 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ -n "$ver" ] || { echo "uml-kernel: no user-mode-linux in $MIRROR $SUITE" >&2; return 77; }
	# apt-get download checks the .deb against the SHA256 of the signed index.
	(cd "$apt_dir" && apt-get "${opts[@]}" download "user-mode-linux=$ver") >&2 ||
		{ echo "uml-kernel: apt-get download user-mode-linux=$ver failed" >&2; return 77; }
	deb=$(ls "$apt_dir"/user-mode-linux_*.deb) || return 1
	dir=$CACHE/$ver
	rm -rf "$dir" "$dir.tmp"
	dpkg-deb -x "$deb" "$dir.tmp" || return 1
	cc -std=c11 -D_GNU_SOURCE -O2 -Wall -o "$CACHE/uml-glibc-compat" "$TOP/tests/e2e/uml-glibc-compat.c" || return 1
	"$CACHE/uml-glibc-compat" "$dir.tmp/usr/bin/linux.uml" || return 1
	kver=$("$dir.tmp/usr/bin/linux.uml" --version 2>/dev/null | tail -n1)
	[ -n "$kver" ] && [ -d "$dir.tmp/usr/lib/uml/modules/$kver" ] ||
		{ echo "uml-kernel: user-mode-linux $ver: no modules for '$kver'" >&2; return 1; }
	probe "$dir.tmp/usr/bin/linux.uml"
	case $? in
	0) ;;
	3) echo "uml-kernel: user-mode-linux $ver fails on this host too ('$XSTATE_SIGNATURE')" >&2; return 1 ;;
	*) echo "uml-kernel: user-mode-linux $ver does not boot" >&2; return 1 ;;
	esac
	mv "$dir.tmp" "$dir" || return 1
	printf 'UML_DEB=%s\nUML_KVER=%s\n' "$ver" "$kver" >"$CACHE/kernel.env.tmp" &&
		mv "$CACHE/kernel.env.tmp" "$CACHE/kernel.env" || return 1
	# Older versions and the apt state are not needed any more.
	for d in "$CACHE"/*/; do
		d=${d%/}
		case ${d##*/} in "$ver" | apt) ;; *) [ -x "$d/usr/bin/linux.uml" ] && rm -rf "$d" ;; esac
	done
	rm -rf "$apt_dir"
	chown -R --reference="$TOP" "$CACHE"
	echo "uml-kernel: user-mode-linux $ver (kernel $kver) in $dir"
}

case ${1:-} in
probe) probe "${2:?probe BIN}" ;;
fetch) fetch ;;
env) env_of_cache ;;
why) why ;;
deps)
	# Only the known xstate failure makes `make deps` fetch; a download
	# that fails only warns (the tier tries again, then skips), a kernel
	# that does not boot fails; anything else is left to the tier.
	[ -x "$SYSTEM_UML" ] || { echo "uml-kernel: $SYSTEM_UML missing: nothing to check"; exit 0; }
	probe "$SYSTEM_UML" 2>/dev/null
	case $? in
	0) echo "uml-kernel: $SYSTEM_UML boots on this host" ;;
	3)
		echo "uml-kernel: $SYSTEM_UML cannot boot here: $(why)"
		if out=$(env_of_cache) && probe "$(sed -n 's/^UML_BIN=//p' <<<"$out")"; then
			echo "uml-kernel: using user-mode-linux $(sed -n 's/^UML_DEB=//p' <<<"$out") in $CACHE"
		else
			fetch
			case $? in
			0) ;;
			77) echo "uml-kernel: WARNING: could not download it; make check-e2e will try again, then skip" ;;
			*) exit 1 ;;
			esac
		fi
		;;
	*) echo "uml-kernel: $SYSTEM_UML does not boot here, not for the known xstate reason: make check-e2e will show the console" ;;
	esac
	;;
*)
	sed -n '2,/^set -u/p' "$0" | sed '$d' >&2
	exit 2
	;;
esac
