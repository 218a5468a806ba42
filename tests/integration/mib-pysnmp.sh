#!/usr/bin/env bash
# mib-pysnmp: a second toolchain reads the MIB. pysmi (python3-pysmi)
# compiles mibs/LIBRESWAN-STATUS-MIB.txt from mibs/ and mibs/ietf/ only (no
# network source), and pysnmp (python3-pysnmp4) walks the four tables
# through a real snmpd with that compiled module: every varbind resolves to
# a named column of the MIB, the string indexes decode to connection names,
# enumerations and addresses come back as their labels, and the values are
# the fixture's. Skipped when the Python modules are absent.
. "$(dirname "$0")/../lib.sh"
lsw_require snmpd
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || lsw_skip "no python3"
"$PY" -c 'import pysmi, pysnmp' 2>/dev/null ||
  lsw_skip "python3 modules pysmi/pysnmp absent (Debian: python3-pysmi python3-pysnmp4, make deps)"
export MIBS=LIBRESWAN-STATUS-MIB
lsw_setup
D=$LSW_TOP/tests/data/agent

lsw_log "pysmi compiles the MIB"
"$PY" - "$LSW_TOP/mibs" "$T/pymibs" <<'PYEOF' || lsw_fail "pysmi did not compile the MIB"
import sys
from pysmi.reader import FileReader
from pysmi.searcher import PyFileSearcher, StubSearcher
from pysmi.writer import PyFileWriter
from pysmi.parser import SmiStarParser
from pysmi.codegen import PySnmpCodeGen
from pysmi.compiler import MibCompiler

src, out = sys.argv[1], sys.argv[2]
c = MibCompiler(SmiStarParser(), PySnmpCodeGen(), PyFileWriter(out))
# Only the checkout's files: no HTTP/FTP source is added.
c.addSources(FileReader(src, recursive=False), FileReader(src + '/ietf', recursive=False))
c.addSearchers(PyFileSearcher(out))
c.addSearchers(StubSearcher(*PySnmpCodeGen.baseMibs))
res = c.compile('LIBRESWAN-STATUS-MIB', rebuild=True, genTexts=True)
for mib, status in sorted(res.items()):
    print('%s: %s' % (mib, status))
ok = res.get('LIBRESWAN-STATUS-MIB') == 'compiled' and \
    all(s in ('compiled', 'untouched') for s in res.values())
sys.exit(0 if ok else 1)
PYEOF
[ -f "$T/pymibs/LIBRESWAN-STATUS-MIB.py" ] || lsw_fail "no compiled module"

lsw_start_snmpd
cp "$D/ns-04-rekeyed.west.status.txt" "$T/status.txt"
lsw_start_agent --status-file "$T/status.txt" --traffic-file "$D/ns-03-up.west.trafficstatus.txt" --interval 1
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "no snapshot"
# A change, for rows in lsEventTable.
cp "$D/ns-03-up.west.status.txt" "$T/status.new" && mv "$T/status.new" "$T/status.txt"
lsw_wait_for 10 "[ \"\$(lsw_get lsEventLastIndex.0)\" != 0 ]" || lsw_fail "no events"
lsw_wait_for 10 "[ \"\$(lsw_get lsConnCount.0)\" = 6 ]" || lsw_fail "not the second snapshot"

lsw_log "pysnmp walks the tables"
"$PY" - "$T/pymibs" "$SNMPD_PORT" >"$T/walk.txt" <<'PYEOF' || { cat "$T/walk.txt"; lsw_fail "the pysnmp walk failed"; }
import sys
from pysnmp.hlapi import (SnmpEngine, CommunityData, UdpTransportTarget, ContextData,
                          ObjectType, ObjectIdentity, nextCmd)

mibdir, port = sys.argv[1], int(sys.argv[2])
engine = SnmpEngine()
for table in ('lsConnTable', 'lsIkeSaTable', 'lsIpsecSaTable', 'lsEventTable'):
    n = 0
    for err, status, index, vbs in nextCmd(
            engine, CommunityData('public'), UdpTransportTarget(('127.0.0.1', port), timeout=3, retries=1),
            ContextData(),
            ObjectType(ObjectIdentity('LIBRESWAN-STATUS-MIB', table).addMibSource(mibdir)),
            lexicographicMode=False):
        if err or status:
            print('ERROR %s %s' % (table, err or status.prettyPrint()))
            sys.exit(1)
        for vb in vbs:
            name = vb[0]
            mod, sym, idx = name.getMibSymbol()
            if mod != 'LIBRESWAN-STATUS-MIB':
                print('UNRESOLVED %s' % name.prettyPrint())
                sys.exit(1)
            print('%s|%s|%s' % (sym, '|'.join(i.prettyPrint() for i in idx), vb[1].prettyPrint()))
            n += 1
    print('TABLE %s %d' % (table, n))
PYEOF

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
want() { grep -qxF "$1" "$T/walk.txt" || fail "pysnmp did not read '$1'"; }
# The index decodes to (name, instance); values by their MIB labels.
want 'lsConnOperStatus|v6-tunnel||connecting'
want 'lsConnRemoteId|v6-tunnel||@east6'
want 'lsConnRemoteSubnet|v6-tunnel||2001:db8:2::/64'
want 'lsConnRemoteAddrType|v6-tunnel||ipv6'
want 'lsConnNewestIkeSa|v6-tunnel||8'
want 'lsIkeSaState|4|established'
want 'lsIkeSaStateName|4|STATE_MAIN_I4'
want 'lsIpsecSaState|7|negotiating'
rows=$(grep -c '^lsConnOperStatus|' "$T/walk.txt")
[ "$rows" = 6 ] || fail "lsConnOperStatus: $rows rows, want 6"
grep '^TABLE ' "$T/walk.txt"
grep -q '^TABLE lsConnTable [1-9]' "$T/walk.txt" || fail "lsConnTable empty"
grep -q '^TABLE lsIkeSaTable [1-9]' "$T/walk.txt" || fail "lsIkeSaTable empty"
grep -q '^TABLE lsEventTable [1-9]' "$T/walk.txt" || fail "lsEventTable empty"
grep -q '^lsEventType|1|' "$T/walk.txt" || fail "no lsEventType.1"
# The same number of instances as net-snmp's own walk.
for t in lsConnTable lsIkeSaTable lsIpsecSaTable lsEventTable; do
  a=$(snmpwalk $SNMP_OPTS -On "LIBRESWAN-STATUS-MIB::$t" | grep -c '^\.1\.3\.6\.1\.4\.1\.41286\.1\.1\.[2-5]\.')
  b=$(sed -n "s/^TABLE $t //p" "$T/walk.txt")
  [ "$a" = "$b" ] || fail "$t: pysnmp read $b instances, snmpwalk $a"
done
[ "$failures" = 0 ] || { head -40 "$T/walk.txt"; lsw_fail "$failures checks failed"; }
echo "mib-pysnmp: all checks passed"
