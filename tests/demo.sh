#!/usr/bin/env bash
# demo: the README's first command. Starts a private snmpd (loopback, temp
# dir) and libreswan-agentx on a bundled status file of a real pluto 4.10,
# prints the three tables with snmptable, then stops both.
#
#   tests/demo.sh [STATUS-FILE [TRAFFIC-FILE]]
#
# Default: tests/data/agent/uml-03-up.west.*, captured from a real pluto
# 4.10 by the e2e tier: IKEv1 and IKEv2, IPv6, a road-warrior instance,
# tunnel and transport mode, real SPIs and traffic counts.
. "$(dirname "$0")/lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
STATUS=${1:-$LSW_TOP/tests/data/agent/uml-03-up.west.status.txt}
TRAFFIC=${2:-$LSW_TOP/tests/data/agent/uml-03-up.west.trafficstatus.txt}
[ -x "$AGENTX_BIN" ] || { echo "demo: $AGENTX_BIN missing: run make first" >&2; exit 1; }
for f in "$STATUS" "$TRAFFIC"; do [ -r "$f" ] || { echo "demo: cannot read $f" >&2; exit 1; }; done

lsw_setup
lsw_start_snmpd
lsw_start_agent --status-file "$STATUS" --traffic-file "$TRAFFIC"
width=$( (tput cols 2>/dev/null || echo 200) | awk '{ print ($1 < 120) ? 200 : $1 }')

echo "snmpd on udp:127.0.0.1:$SNMPD_PORT, libreswan-agentx on $AGENTX_SOCK"
echo "status: $STATUS"
echo
snmpget $SNMP_OPTS -OQs LIBRESWAN-STATUS-MIB::lsCollectorStatus.0 LIBRESWAN-STATUS-MIB::lsPlutoVersion.0 \
  LIBRESWAN-STATUS-MIB::lsConnCount.0 LIBRESWAN-STATUS-MIB::lsIkeSaCount.0 LIBRESWAN-STATUS-MIB::lsIpsecSaCount.0
for t in lsConnTable lsIkeSaTable lsIpsecSaTable; do
  echo
  echo "\$ snmptable -v2c -c public -Ci -Cb 127.0.0.1:$SNMPD_PORT LIBRESWAN-STATUS-MIB::$t"
  snmptable $SNMP_OPTS -Ci -Cb -Cw "$width" "LIBRESWAN-STATUS-MIB::$t"
done
# lsw_cleanup (EXIT trap) stops the agent and snmpd and removes the temp dir.
