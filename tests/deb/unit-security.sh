#!/usr/bin/env bash
# tests/deb/unit-security.sh [UNIT_FILE] - the systemd unit's exposure
# score, offline (no systemd as PID 1 needed): `systemd-analyze security
# --offline=yes` must rate it LSW_MAX_EXPOSURE (1.6) or lower: 1.4 before
# the kernel source, which needs CAP_NET_ADMIN (systemd weighs it 0.2) and
# AF_NETLINK (0.1) for its XFRM dump; nothing else may raise it.
#
# Without an argument it checks init/libreswan-agentx.service as `make
# install PREFIX=/usr` writes it (@SBINDIR@ replaced); tests/deb/check-deb.sh
# passes the unit the package installed. Exit 0 pass, 1 fail, 77 skip.
set -euo pipefail
cd "$(dirname "$0")/../.."
max=${LSW_MAX_EXPOSURE:-1.6}

if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze missing (make deps installs systemd)"
	exit 77
fi

tmp=
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT
unit=${1:-}
if [ -z "$unit" ]; then
	tmp=$(mktemp -d)
	unit=$tmp/libreswan-agentx.service
	sed 's,@SBINDIR@,/usr/sbin,g' init/libreswan-agentx.service >"$unit"
fi

out=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1) || {
	printf '%s\n' "$out"
	echo "FAIL: systemd-analyze security --offline=yes $unit failed"
	exit 1
}
# "→ Overall exposure level for libreswan-agentx.service: 1.4 OK 🙂"
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\) .*/\1/p')
if [ -z "$score" ]; then
	printf '%s\n' "$out"
	echo "FAIL: no 'Overall exposure level' line in systemd-analyze's output"
	exit 1
fi
# What still counts against it, for the log.
printf '%s\n' "$out" | grep '✗' | sed 's/  */ /g' || true
if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s + 0 <= m + 0) }'; then
	echo "PASS: exposure $score <= $max ($unit)"
else
	echo "FAIL: exposure $score > $max ($unit)"
	exit 1
fi
