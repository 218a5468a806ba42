#!/usr/bin/env bash
# agent-hostile-text: what a remote peer chooses (its IKE ID, its XAUTH
# username) reaches the tables through a real snmpd without moving other
# fields and as valid UTF-8. The real capture uml-03-up.west with two edits
# a hostile peer could cause:
#   - v1-tunnel's trafficstatus line gets the XAUTH username probe of issue
#     11 (", type=ESP, add_time=1, inBytes=123456789, outBytes=987654321,
#     id='spoof"): the counts stay pluto's own (168), the username whole;
#   - v2-tunnel's remote ID "@east" becomes "@e]===10.9.9.0/24[a" plus a
#     C0 control, a C1 CSI (C2 9B), U+202E and a lone 0xFF byte: the remote
#     subnet stays 198.51.100.64/26 and the served string is valid UTF-8
#     with the controls and the invalid byte escaped as \xNN.
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
D=$LSW_TOP/tests/data/agent
lsw_require snmpget iconv
lsw_setup
lsw_start_snmpd

id=$'@e]===10.9.9.0/24[a\x01\xc2\x9b\xe2\x80\xae\xff'
sed "s|192.0.2.2\\[@east\\]===198.51.100.64/26|192.0.2.2[$id]===198.51.100.64/26|" \
  "$D/uml-03-up.west.status.txt" >"$T/status.txt"
grep -qF "[$id]===" "$T/status.txt" || lsw_fail "the ID edit did not apply"
probe=", type=ESP, add_time=1, inBytes=123456789, outBytes=987654321, id='spoof"
sed "s|^006 #10: \"v1-tunnel\", type=ESP|006 #10: \"v1-tunnel\", username=xroad$probe, type=ESP|; s|, id='192.0.2.2'\$||" \
  "$D/uml-03-up.west.trafficstatus.txt" >"$T/traffic.txt"
grep -qF "username=xroad$probe, type=ESP, add_time=1795732093, inBytes=168" "$T/traffic.txt" ||
  lsw_fail "the username edit did not apply: $(head -1 "$T/traffic.txt")"
lsw_start_agent --status-file "$T/status.txt" --traffic-file "$T/traffic.txt"

lsw_log "an XAUTH username cannot move pluto's fields"
lsw_expect lsIpsecSaInOctets.10 168
lsw_expect lsIpsecSaOutOctets.10 168
lsw_expect 'lsConnInOctets."v1-tunnel".""' 168
got=$(lsw_get lsIpsecSaUsername.10)
[ "$got" = "xroad$probe" ] || lsw_fail "lsIpsecSaUsername.10: '$got'"
echo "ok lsIpsecSaUsername.10 is the whole username"

lsw_log "a remote ID cannot move the remote subnet; it is served as valid UTF-8"
lsw_expect 'lsConnRemoteSubnet."v2-tunnel".""' 198.51.100.64/26
# SnmpAdminString has DISPLAY-HINT "255t": snmpget prints the octets as
# they are (UTF-8 text), so what it prints is what was served.
bytes=$(lsw_get 'lsConnRemoteId."v2-tunnel".""')
raw=$bytes
printf '%s' "$bytes" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || lsw_fail "lsConnRemoteId is not valid UTF-8: $raw"
case $bytes in *$'\x01'* | *$'\xc2\x9b'* | *$'\xff'*) lsw_fail "a control or invalid byte went through: $raw" ;; esac
want='@e]===10.9.9.0/24[a\x01\xc2\x9b'$'\xe2\x80\xae''\xff'
[ "$bytes" = "$want" ] || lsw_fail "lsConnRemoteId: '$bytes', want '$want'"
echo "ok lsConnRemoteId = $bytes"
echo PASS
