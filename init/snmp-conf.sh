#!/bin/sh
# init/snmp-conf.sh install|uninstall FILE - our lines in net-snmp's
# /usr/share/snmp/snmp.conf (FILE), between two marker lines, so that the
# net-snmp tools (snmptranslate, snmpwalk, snmptable, snmptrapd) and snmpd
# find LIBRESWAN-STATUS-MIB and the IETF modules it imports by name.
#
#   mibdirs -DIR   puts DIR first on the search path. net-snmp reads the
#                  directories in order and a module met again later
#                  replaces the first copy: a system's own IETF modules
#                  (e.g. /usr/share/snmp/mibs/ietf) still win over ours.
#   mibdirs +DIR   appends our MIB's directory when it is not one net-snmp
#                  already searches (PREFIX=/usr/local).
#
# Environment: IETFMIBDIR, MIBDIR (as installed, without DESTDIR).
# Lines outside the markers (an administrator's) are left alone.
set -eu
begin='# --- libreswan-agentx: begin (make install; do not edit inside) ---'
end='# --- libreswan-agentx: end ---'
action=$1 file=$2

strip() { [ -f "$file" ] && sed "/^$begin\$/,/^$end\$/d" "$file" || true; }

case $action in
install)
	mkdir -p "$(dirname "$file")"
	tmp=$file.tmp.$$
	{
		strip
		echo "$begin"
		echo "mibdirs -${IETFMIBDIR:?}"
		case ${MIBDIR:?} in
		/usr/share/snmp/mibs | /usr/share/snmp/mibs/) ;;
		*) echo "mibdirs +$MIBDIR" ;;
		esac
		echo "$end"
	} >"$tmp"
	chmod 0644 "$tmp"
	mv "$tmp" "$file"
	;;
uninstall)
	[ -f "$file" ] || exit 0
	rest=$(strip)
	if [ -z "$(printf '%s' "$rest" | tr -d ' \t\n')" ]; then
		rm -f "$file"
	else
		printf '%s\n' "$rest" >"$file"
	fi
	;;
*)
	echo "usage: $0 install|uninstall FILE" >&2
	exit 2
	;;
esac
