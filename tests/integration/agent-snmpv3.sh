#!/usr/bin/env bash
# agent-snmpv3: the shipped snmpd snippet (init/snmpd.conf.snippet) as it
# is, with only its socket path, passphrases and the receiver's address
# replaced, under a private snmpd. Our tables are walked over SNMPv3
# authPriv (SHA-256, AES) with the README's snmpwalk/snmptable lines;
# v2c, a wrong passphrase and authNoPriv get nothing; a notification
# reaches a real snmptrapd as an SNMPv3 authPriv inform (the snippet's
# trapsess line).
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
lsw_require snmpd snmptrapd snmpwalk snmptable snmpget
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
D=$LSW_TOP/tests/data/agent
SNIPPET=$LSW_TOP/init/snmpd.conf.snippet
lsw_setup

AUTH='lsw-test-auth-passphrase'
PRIV='lsw-test-priv-passphrase'
SNMPD_PORT=$(lsw_free_port)
TRAP_PORT=$(lsw_free_port)
AGENTX_SOCK=$T/agentx.sock
mkdir -p "$T/persist" "$T/trapd-persist"

# The snippet's agentXPerms names snmpd's group; without it (snmpd not from
# Debian's package) the socket keeps root's group, still fine for root.
perms=cat
getent group Debian-snmp >/dev/null || perms="sed -E s/^(agentXPerms.*)root[[:space:]]+Debian-snmp/\\1/"
sed -e "s|^agentXSocket .*|agentXSocket $AGENTX_SOCK|" \
    -e "s|AUTH-PASSPHRASE|$AUTH|g; s|PRIV-PASSPHRASE|$PRIV|g" \
    -e "s|192\\.0\\.2\\.10|127.0.0.1:$TRAP_PORT|g" "$SNIPPET" | $perms >"$T/snmpd.conf"
grep -q "^rouser .*authpriv" "$T/snmpd.conf" || lsw_fail "the snippet has no active authPriv rouser line"
grep -q "^rocommunity\|^trap2sink" "$T/snmpd.conf" && lsw_fail "the snippet has active v2c lines"

# The receiver: the same user; for an inform it is the authoritative engine.
cat >"$T/snmptrapd.conf" <<EOF
createUser nms SHA-256 "$AUTH" AES "$PRIV"
authUser log nms
EOF
TRAP_LOG=$T/traps.log
: >"$TRAP_LOG"
SNMP_PERSISTENT_DIR=$T/trapd-persist snmptrapd -f -Lf "$TRAP_LOG" -On -C -c "$T/snmptrapd.conf" \
  -p "$T/snmptrapd.pid" "udp:127.0.0.1:$TRAP_PORT" &
lsw_track $!
lsw_wait_for 10 "ss -Hlun 'sport = :$TRAP_PORT' | grep -q ." || lsw_fail "snmptrapd did not start"

SNMPD_LOG=$T/snmpd.log
SNMP_PERSISTENT_DIR=$T/persist MIBS= snmpd -f -Lf "$SNMPD_LOG" -C -c "$T/snmpd.conf" \
  -p "$T/snmpd.pid" "udp:127.0.0.1:$SNMPD_PORT" &
lsw_track $!
V3="-v3 -l authPriv -u nms -a SHA-256 -A $AUTH -x AES -X $PRIV -t 3 -r 1"
SNMP_OPTS="$V3 127.0.0.1:$SNMPD_PORT"
lsw_wait_for 10 "snmpget $SNMP_OPTS SNMPv2-MIB::sysUpTime.0" || { cat "$SNMPD_LOG"; lsw_fail "snmpd does not answer over SNMPv3"; }

# The agent starts with no status file: lsCollectorFailed, then the file
# appears: lsCollectorRecovered. Both go out through the trapsess line.
# --fail-after 1: the first poll (no file yet) sends lsCollectorFailed
lsw_start_agent --status-file "$T/status.txt" --traffic-file "$T/traffic.txt" --interval 1 --fail-after 1
cp "$D/uml-03-up.west.trafficstatus.txt" "$T/traffic.txt"
cp "$D/uml-03-up.west.status.txt" "$T/status.txt"
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "the status file was not served: $(cat "$AGENT_LOG")"

lsw_log "tables over SNMPv3 authPriv"
lsw_expect lsConnCount.0 6
lsw_expect lsConnUpCount.0 5
lsw_expect lsIkeSaCount.0 5
lsw_expect lsIpsecSaCount.0 5
lsw_expect 'lsConnOperStatus."v2-tunnel".""' up
lsw_expect 'lsConnRemoteId."v2-tunnel".""' @east
lsw_expect lsIpsecSaRemoteId.3 @east
lsw_expect lsIpsecSaInOctets.3 252
# The README's lines, word for word but for the address.
n=$(snmpwalk $V3 127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::lsConnOperStatus | grep -c '= INTEGER: up(3)')
[ "$n" = 5 ] || lsw_fail "snmpwalk -v3 lsConnOperStatus: $n rows up, want 5"
echo "ok snmpwalk -v3 authPriv: 5 connections up"
out=$(snmptable $V3 -Ci -Cb 127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::lsIpsecSaTable) || lsw_fail "snmptable -v3 failed"
for spi in f2202e6e 9c0d9e2f 7e63c85d; do
  echo "$out" | grep -q "$spi" || lsw_fail "snmptable -v3 lsIpsecSaTable lacks SPI $spi: $out"
done
echo "ok snmptable -v3 authPriv lsIpsecSaTable: real SPIs"
rows=$(snmpwalk $V3 -Oqv 127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::lsIkeSaConnName | wc -l)
[ "$rows" = 5 ] || lsw_fail "lsIkeSaTable over v3: $rows rows"
echo "ok lsIkeSaTable over v3: 5 rows"

lsw_log "what the snippet refuses"
if out=$(snmpget -v2c -c public -t 1 -r 0 127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::lsConnCount.0 2>&1); then
  lsw_fail "v2c community public answered: $out"
fi
echo "ok v2c public: no answer ($out)"
if out=$(snmpget -v3 -l authPriv -u nms -a SHA-256 -A wrong-passphrase -x AES -X "$PRIV" -t 1 -r 0 \
  127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::lsConnCount.0 2>&1); then
  lsw_fail "a wrong auth passphrase answered: $out"
fi
echo "ok wrong passphrase: $out"
out=$(snmpget -v3 -l authNoPriv -u nms -a SHA-256 -A "$AUTH" -t 1 -r 0 \
  127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::lsConnCount.0 2>&1) && case $out in
  *"= INTEGER"*|*"= Gauge32"*|*"= Counter"*) lsw_fail "authNoPriv (no encryption) answered: $out" ;;
esac
echo "ok authNoPriv: $out"
# mib-2 outside the view (here ifNumber) stays hidden.
out=$(snmpget $SNMP_OPTS -Oqv .1.3.6.1.2.1.2.1.0 2>&1)
case $out in *"No Such Object"*|*"No Such Instance"*) echo "ok outside the view: $out" ;;
  *) lsw_fail "ifNumber outside the view answered: $out" ;; esac

lsw_log "notifications as SNMPv3 authPriv informs"
LS=.1.3.6.1.4.1.41286.1
our_traps() { grep -F ".1.3.6.1.6.3.1.1.4.1.0 = OID: $LS.0." "$TRAP_LOG"; }
lsw_wait_for 10 "our_traps | grep -qF 'OID: $LS.0.9	'" ||
  lsw_fail "no lsCollectorRecovered at the v3 receiver: $(cat "$TRAP_LOG")"
our_traps | grep -qF "OID: $LS.0.8	" || lsw_fail "no lsCollectorFailed at the v3 receiver: $(cat "$TRAP_LOG")"
echo "ok lsCollectorFailed and lsCollectorRecovered received over SNMPv3 authPriv"
echo PASS
