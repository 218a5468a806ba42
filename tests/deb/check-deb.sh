#!/usr/bin/env bash
# tests/deb/check-deb.sh - `make check-deb`: the Debian package, end to end,
# on this host, as root.
#
#   1. builds it (`make deb`) and a copy with a higher version (a temporary
#      copy of the tree with one more debian/changelog entry);
#   2. lintian: no E: and no W: (every kept warning is overridden, with its
#      reason, in debian/libreswan-agentx.lintian-overrides);
#   3. dpkg -i; libreswan-agentx --version, lswstat --help, the installed MIB
#      resolves by name (snmptranslate, nothing on stderr), the conffile,
#      the unit enabled by the postinst, systemd-analyze verify --man=no and
#      the unit's exposure score (tests/deb/unit-security.sh); the installed
#      daemon against a real pluto under the installed unit's restrictions
#      (tests/deb/unit-sandbox-pluto.sh; skipped there without netns/pluto);
#   4. dpkg -i of the higher version over it (upgrade), checks again;
#   5. dpkg --purge: no file or directory of the package left, no enable
#      symlink left, /usr/share/snmp/snmp.conf as it was before.
#
# The host is restored afterwards, also on failure: the package is purged,
# and a file that was at one of the package's paths before (e.g. from a
# `make install`) is put back as it was. No service is started: without
# systemd as PID 1 the postinst starts nothing; with it, a policy-rc.d
# (exit 101) is put in place for the duration when none exists.
#
# Exit 0 pass, 1 fail, 77 skip (tools missing, not root, or the package
# already installed on this host).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
pkg=libreswan-agentx
t0=$(date +%s)

skip() {
	echo "SKIP: check-deb: $*"
	exit 77
}
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null ||
		skip "$t missing (make deps installs dpkg-dev, debhelper, lintian)"
done
for t in systemd-analyze snmptranslate; do
	command -v $t >/dev/null || skip "$t missing (make deps installs systemd, snmp)"
done
[ "$(id -u)" = 0 ] || skip "needs root: dpkg -i installs into /"
if st=$(dpkg-query -W -f='${Status}' $pkg 2>/dev/null) && [[ $st != *not-installed ]]; then
	skip "$pkg is known to dpkg on this host ($st); check-deb would replace and purge it"
fi

work=$(mktemp -d /tmp/check-deb.XXXXXX)
failures=0
installed=no
policy_rc=
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

# Restore the host: purge what we installed, put back what was there.
restore() {
	if [ "$installed" = yes ] || dpkg-query -W -f='${Status}' $pkg 2>/dev/null | grep -qv 'not-installed'; then
		dpkg --purge $pkg >"$work/purge-cleanup.log" 2>&1 || cat "$work/purge-cleanup.log"
	fi
	if [ -s "$work/preexisting" ]; then
		(cd "$work/backup" && tar -cf - .) | tar -C / -xpf -
	fi
	[ -z "$policy_rc" ] || rm -f "$policy_rc"
}
finish() {
	rc=$?
	restore
	# The snmp.conf net-snmp reads for every user, back to what it was.
	if [ -f "$work/snmpconf.before" ]; then
		after=$(sha256sum /usr/share/snmp/snmp.conf 2>/dev/null | cut -d' ' -f1 || echo absent)
		[ -n "$after" ] || after=absent
		if [ "$after" != "$(cat "$work/snmpconf.before")" ]; then
			echo "FAIL: /usr/share/snmp/snmp.conf not as before check-deb"
			rc=1
		fi
	fi
	rm -rf "$work"
	echo "check-deb: $(($(date +%s) - t0)) s"
	exit $rc
}
trap finish EXIT
trap "exit 130" INT
trap "exit 143" TERM HUP

# --- 1. build: this tree, and a copy one version higher ----------------------
copy_tree() { # copy_tree DIR: the tree without build output or .git
	mkdir -p "$1"
	tar -C "$top" --exclude=./.git --exclude='./build*' --exclude=./debian/build \
		--exclude=./debian/$pkg --exclude=./debian/.debhelper -cf - . | tar -C "$1" -xf -
}
v1=$(dpkg-parsechangelog -S Version)
parent=$(cd .. && pwd)
if [ -w "$parent" ]; then
	# make deb as a user runs it: dpkg-buildpackage writes into the parent
	# dir, make deb must leave nothing of ours there.
	echo "== make deb"
	before=$(ls -A "$parent" | grep "^${pkg}[-_]" || true)
	dir=$top
else
	echo "== make deb (in a copy of the tree: $parent is not writable)"
	copy_tree "$work/v1src/src"
	dir=$work/v1src/src
fi
if ! make -s -C "$dir" deb BUILD="$work/v1" >"$work/build1.log" 2>&1; then
	tail -40 "$work/build1.log"
	echo "FAIL: make deb"
	exit 1
fi
if [ "$dir" = "$top" ]; then
	after=$(ls -A "$parent" | grep "^${pkg}[-_]" || true)
	[ "$before" = "$after" ] || fail "make deb left in $parent: $after"
fi
deb1=$(ls "$work"/v1/${pkg}_*.deb) # the -dbgsym .deb is ${pkg}-dbgsym_*

echo "== a build with a higher version (temporary copy of the tree)"
copy_tree "$work/up/src"
v2="$v1+checkdeb1"
{
	printf '%s (%s) unstable; urgency=medium\n\n' $pkg "$v2"
	printf '  * check-deb: the same tree, one version higher (upgrade test).\n\n'
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -S Maintainer)" "$(date -R)"
	cat debian/changelog
} >"$work/up/src/debian/changelog"
# make deb writes into the copy's parent, $work/up, and moves the .deb on.
if ! make -s -C "$work/up/src" deb BUILD="$work/v2" >"$work/build2.log" 2>&1; then
	tail -40 "$work/build2.log"
	echo "FAIL: make deb (higher version)"
	exit 1
fi
deb2=$(ls "$work"/v2/${pkg}_*.deb)
ok "built $(basename "$deb1") and $(basename "$deb2")"
# make deb leaves nothing in the parent dir
left=$(find "$work/up" -maxdepth 1 -type f)
[ -z "$left" ] || fail "make deb left in the parent dir: $left"

# --- 2. lintian ---------------------------------------------------------------
echo "== lintian"
lintian --display-info --display-experimental --pedantic --show-overrides "$work"/v1/*.deb \
	>"$work/lintian.txt" 2>"$work/lintian.err" || true
grep -v '^running with root privileges' "$work/lintian.err" >&2 || true
cat "$work/lintian.txt"
if grep -q '^[EW]: ' "$work/lintian.txt"; then
	fail "lintian: errors or warnings not overridden"
else
	ok "lintian: no E: or W:"
fi

# --- the host before: what exists at the package's paths ----------------------
# Every path in either .deb; a file there (e.g. from make install) is saved
# and put back after the purge, directories are noted.
{ dpkg-deb --fsys-tarfile "$deb1" | tar -t; dpkg-deb --fsys-tarfile "$deb2" | tar -t; } |
	sed 's,^\./,/,; s,/$,,' | grep -v '^$' | grep -v '^\.$' | sort -u >"$work/paths"
mkdir "$work/backup"
: >"$work/preexisting"
while read -r p; do
	if [ -e "$p" ] || [ -L "$p" ]; then
		echo "$p" >>"$work/preexisting"
		if [ ! -d "$p" ] || [ -L "$p" ]; then
			(cd / && tar -cf - ".$p") | tar -C "$work/backup" -xpf -
		fi
	fi
done <"$work/paths"
if [ -s "$work/preexisting" ]; then
	echo "note: already on this host before the install (put back afterwards):"
	while read -r p; do [ -d "$p" ] || echo "  $p"; done <"$work/preexisting"
fi
sha256sum /usr/share/snmp/snmp.conf 2>/dev/null | cut -d' ' -f1 >"$work/snmpconf.before" ||
	echo absent >"$work/snmpconf.before"
[ -s "$work/snmpconf.before" ] || echo absent >"$work/snmpconf.before"
unitlinks() {
	find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
		/var/lib/systemd/deb-systemd-helper-masked -name "$pkg.service*" 2>/dev/null | sort || true
}
unitlinks >"$work/links.before"

# No service start, whatever the init.
if [ -d /run/systemd/system ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	policy_rc=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\n# check-deb: no service start\nexit 101\n' >"$policy_rc"
	chmod 0755 "$policy_rc"
fi

# --- 3. install ---------------------------------------------------------------
checks() { # $1: expected version
	local out err
	[ "$(dpkg-query -W -f='${Status} ${Version}' $pkg)" = "install ok installed $1" ] &&
		ok "dpkg: $pkg $1 installed" || fail "dpkg status: $(dpkg-query -W -f='${Status} ${Version}' $pkg)"
	out=$(/usr/sbin/libreswan-agentx --version 2>&1) && [[ $out == *"${1%%-*}"* ]] &&
		ok "libreswan-agentx --version: $out" || fail "libreswan-agentx --version: $out"
	out=$(/usr/bin/lswstat --help 2>&1) && [[ $out == *Usage:* ]] &&
		ok "lswstat --help" || fail "lswstat --help: $out"
	# As a user would run it: no MIB variables, no ~/.snmp.
	out=$(env -u MIBS -u MIBDIRS -u SNMPCONFPATH -u SNMP_PERSISTENT_DIR HOME="$work/home" \
		snmptranslate -On LIBRESWAN-STATUS-MIB::lsConnTable 2>"$work/snmptranslate.err") || true
	err=$(cat "$work/snmptranslate.err")
	if [ "$out" = .1.3.6.1.4.1.41286.1.1.2 ] && [ -z "$err" ]; then
		ok "snmptranslate -On LIBRESWAN-STATUS-MIB::lsConnTable: $out"
	else
		fail "snmptranslate -On LIBRESWAN-STATUS-MIB::lsConnTable: stdout '$out' stderr '$err'"
	fi
	dpkg-query -W -f='${Conffiles}\n' $pkg | grep -q '^ /etc/libreswan-agentx.conf ' &&
		ok "conffile /etc/libreswan-agentx.conf" || fail "/etc/libreswan-agentx.conf is not a conffile"
	[ -f /usr/share/doc/$pkg/examples/snmpd.conf.snippet ] &&
		ok "snmpd snippet in doc/examples" || fail "no /usr/share/doc/$pkg/examples/snmpd.conf.snippet"
	[ -L /etc/systemd/system/multi-user.target.wants/$pkg.service ] &&
		ok "unit enabled by the postinst" || fail "unit not enabled (no multi-user.target.wants link)"
	if out=$(systemd-analyze verify --man=no /lib/systemd/system/$pkg.service 2>&1) && [ -z "$out" ]; then
		ok "systemd-analyze verify --man=no"
	else
		fail "systemd-analyze verify --man=no: $out"
	fi
	out=$(tests/deb/unit-security.sh /lib/systemd/system/$pkg.service 2>&1) &&
		ok "${out##*$'\n'}" || fail "unit exposure: $out"
}

echo "== dpkg -i $(basename "$deb1")"
installed=yes
if ! dpkg -i "$deb1" >"$work/install1.log" 2>&1; then
	cat "$work/install1.log"
	fail "dpkg -i $(basename "$deb1")"
	exit 1
fi
checks "$v1"
dpkg -L $pkg >"$work/list1"
# The installed daemon and `ipsec whack` under the installed unit's
# restrictions, against a real pluto (skips without netns/pluto).
echo "== the installed unit's restrictions against a real pluto"
rc=0
UNIT=/lib/systemd/system/$pkg.service LSW_AGENTX_BIN=/usr/sbin/$pkg LSW_LSWSTAT_BIN=/usr/bin/lswstat \
	tests/deb/unit-sandbox-pluto.sh >"$work/sandbox.log" 2>&1 || rc=$?
case $rc in
0) ok "$(tail -n 1 "$work/sandbox.log")" ;;
77) echo "note: $(tail -n 1 "$work/sandbox.log")" ;;
*) grep -v -e '^Cannot find module' -e '^Did not find' "$work/sandbox.log" | tail -n 20
	fail "tests/deb/unit-sandbox-pluto.sh on the installed unit" ;;
esac

# --- 4. upgrade ---------------------------------------------------------------
echo "== dpkg -i $(basename "$deb2") (upgrade)"
if ! dpkg -i "$deb2" >"$work/install2.log" 2>&1; then
	cat "$work/install2.log"
	fail "dpkg -i $(basename "$deb2") (upgrade)"
	exit 1
fi
checks "$v2"
dpkg -L $pkg >"$work/list2"

# --- 5. purge -----------------------------------------------------------------
echo "== dpkg --purge $pkg"
if ! dpkg --purge $pkg >"$work/purge.log" 2>&1; then
	cat "$work/purge.log"
	fail "dpkg --purge $pkg"
	exit 1
fi
installed=no
st=$(dpkg-query -W -f='${Status}' $pkg 2>/dev/null || echo "unknown ok not-installed")
[ "$st" = "unknown ok not-installed" ] || [ "$st" = "purge ok not-installed" ] ||
	fail "after purge dpkg says: $st"
left=0
while read -r p; do
	[ -e "$p" ] || [ -L "$p" ] || continue
	# A directory that was there before (/usr/share/doc, ...) stays.
	[ -d "$p" ] && grep -qxF "$p" "$work/preexisting" && continue
	fail "left after purge: $p"
	left=$((left + 1))
done < <(sort -u "$work/list1" "$work/list2" "$work/paths" | grep -v '^/\.$')
[ $left = 0 ] && ok "purge: no file or directory of the package left ($(sort -u "$work/list1" "$work/list2" | wc -l) paths)"
unitlinks >"$work/links.after"
if cmp -s "$work/links.before" "$work/links.after"; then
	ok "purge: no enable symlink or deb-systemd-helper state left"
else
	fail "purge left unit links/state: $(comm -13 "$work/links.before" "$work/links.after" | tr '\n' ' ')"
fi
if [ "$(cat "$work/snmpconf.before")" = absent ]; then
	[ ! -e /usr/share/snmp/snmp.conf ] && ok "purge: /usr/share/snmp/snmp.conf gone (was absent)" ||
		fail "purge: /usr/share/snmp/snmp.conf left"
fi

if [ $failures = 0 ]; then
	echo "PASS: check-deb ($v1, upgrade to $v2, purge)"
	exit 0
fi
echo "FAIL: check-deb: $failures check(s) failed"
exit 1
