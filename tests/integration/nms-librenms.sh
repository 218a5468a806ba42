#!/usr/bin/env bash
# nms-librenms: the LibreNMS discovery definition in mibs/nms/librenms/
# (issue 12), checked with the programs LibreNMS itself uses for device
# support tests:
#  1. the definition validates against LibreNMS's misc/discovery_schema.json
#     (python3-jsonschema), every count sensor also against the schema's
#     own "sensor" definition;
#  2. every object it names (oid, value, {{ $column }} in descr, skip_values
#     oids) resolves in our MIB, through the LibreNMS layout
#     (mibs/libreswan/LIBRESWAN-STATUS-MIB), and each num_oid is the
#     numeric OID of its value column;
#  3. the committed recording tests/snmpsim/linux_libreswan.snmprec equals
#     a fresh recording (snmpsim's snmprec) of the agent serving the same
#     capture (uml-03-up.west), apart from the values that move with time;
#  4. snmpsimd serving the recording answers the snmpwalk/snmpget calls the
#     definition implies exactly as the live agent does, and the sensors
#     they make are the expected ones (tools/yaml-discovery.py).
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
lsw_require snmpd snmpget snmpwalk snmptranslate
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
lsw_require snmpsimd snmprec
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || lsw_skip "no python3"
"$PY" -c 'import yaml, jsonschema' 2>/dev/null ||
  lsw_skip "python3 modules yaml/jsonschema absent (Debian: python3-yaml python3-jsonschema, make deps)"

L=$LSW_TOP/mibs/nms/librenms
DEF=$L/includes/definitions/discovery/libreswan.yaml
REC=$L/tests/snmpsim/linux_libreswan.snmprec
LMIBS=$LSW_TOP/mibs/ietf:$L/mibs/libreswan     # LibreNMS: -M mibs:mibs/libreswan
D=$LSW_TOP/tests/data/agent
lsw_setup
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

lsw_log "1. schema"
SCHEMA=${LSW_LIBRENMS_SCHEMA:-}
for f in "$L/misc/discovery_schema.json" "$LSW_SHARED/librenms/discovery_schema.json"; do
  [ -z "$SCHEMA" ] && [ -f "$f" ] && SCHEMA=$f
done
schema_note=""
if [ -n "$SCHEMA" ] && [ -f "$SCHEMA" ]; then
  "$PY" - "$SCHEMA" "$DEF" <<'PYEOF' || fail "the definition does not validate against $SCHEMA"
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
doc = yaml.safe_load(open(sys.argv[2]))
V = jsonschema.Draft4Validator        # LibreNMS validates with a draft-04 validator
V.check_schema(schema)
errors = sorted(V(schema).iter_errors(doc), key=lambda e: list(e.path))
# A sensor class the schema does not list is let through by it unchecked:
# check those against the schema's own "sensor" definition.
listed = schema['properties']['modules']['properties']['sensors']['properties']
sensor = dict(schema['definitions']['sensor'], definitions=schema['definitions'])
for cls, sec in doc['modules']['sensors'].items():
    if cls not in listed:
        print('schema: class %r not listed in this schema version: checked against #/definitions/sensor' % cls)
        errors += list(V(sensor).iter_errors(sec))
for e in errors:
    print('schema error at %s: %s' % ('/'.join(map(str, e.path)), e.message))
n = {c: len(s['data']) for c, s in doc['modules']['sensors'].items()}
print('schema: %s against %s: %s (%s)' % (sys.argv[2].split('/')[-1], sys.argv[1].split('/')[-1],
      'valid' if not errors else '%d errors' % len(errors), ', '.join('%d %s' % (v, k) for k, v in n.items())))
sys.exit(1 if errors else 0)
PYEOF
else
  schema_note=" (schema check not run: no discovery_schema.json; see mibs/nms/librenms/README.md)"
  echo "SKIPPED part 1: LibreNMS's discovery_schema.json not found (set LSW_LIBRENMS_SCHEMA)"
fi

lsw_log "2. every object resolves in the MIB (LibreNMS layout)"
[ -f "$L/mibs/libreswan/LIBRESWAN-STATUS-MIB" ] || fail "mibs/libreswan/LIBRESWAN-STATUS-MIB missing"
cmp -s "$L/mibs/libreswan/LIBRESWAN-STATUS-MIB" "$LSW_TOP/mibs/LIBRESWAN-STATUS-MIB.txt" ||
  fail "mibs/libreswan/LIBRESWAN-STATUS-MIB is not the MIB"
"$PY" - "$DEF" >"$T/names.txt" <<'PYEOF' || fail "cannot list the names"
import re, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
print('MIB', d['mib'])
for cls, sec in d['modules']['sensors'].items():
    for it in sec['data']:
        col = it.get('value', it['oid'])
        print('NUM', col, it['num_oid'])
        names = {it['oid'], col}
        names |= set(re.findall(r'{{ \$?([A-Za-z][A-Za-z0-9-]*) }}', it['descr'] + it.get('group', '') + it.get('index', '')))
        names |= {s['oid'] for s in it.get('skip_values', []) if isinstance(s, dict)}
        names.discard('index')
        for n in sorted(names):
            print('NAME', n)
PYEOF
mib=$(sed -n 's/^MIB //p' "$T/names.txt")
[ "$mib" = LIBRESWAN-STATUS-MIB ] || fail "mib: is '$mib'"
nnames=0
for n in $(sed -n 's/^NAME //p' "$T/names.txt" | sort -u); do
  o=$(MIBDIRS=$LMIBS snmptranslate -On "$mib::$n" 2>&1) && [[ $o == .1.3.6.1.4.1.41286.1.* ]] ||
    fail "$n does not resolve in $mib: $o"
  nnames=$((nnames + 1))
done
while read -r _ col num; do
  o=$(MIBDIRS=$LMIBS snmptranslate -On "$mib::$col")
  [ "$num" = "$o.{{ \$index }}" ] || fail "num_oid of $col is $num, want $o.{{ \$index }}"
done < <(grep '^NUM ' "$T/names.txt")
echo "names: $nnames objects resolve, $(grep -c '^NUM ' "$T/names.txt") num_oids match their columns"

lsw_log "3. the recording equals a fresh recording of the agent on the same capture"
lsw_start_snmpd
lsw_start_agent --status-file "$D/uml-03-up.west.status.txt" --traffic-file "$D/uml-03-up.west.trafficstatus.txt" --interval 1
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "no snapshot"
"$L/tools/record-snmprec.sh" "127.0.0.1:$SNMPD_PORT" >"$T/fresh.snmprec" || lsw_fail "snmprec failed"
# What moves with time: TimeTicks (tag 67: TimeStamps against sysUpTime),
# lsSnapshotAge (.3), lsPollSuccesses (.4), lsLastPollTime (.21).
mask() { sed -E -e 's/^([0-9.]+)\|67\|[0-9]+$/\1|67|T/' \
  -e 's/^(1\.3\.6\.1\.4\.1\.41286\.1\.1\.1\.(3|4|21)\.0)\|([^|]+)\|.*/\1|\3|T/' "$1"; }
# LibreNMS's Test-Units.md: sysDescr and sysObjectID at least; net-snmp's
# sysObjectID makes the recording os "linux".
head -2 "$REC" | cut -d'|' -f1,2 | tr '\n' ' ' | grep -qxF '1.3.6.1.2.1.1.1.0|4 1.3.6.1.2.1.1.2.0|6 ' ||
  fail "the recording does not start with sysDescr and sysObjectID"
grep -qxF '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10' "$REC" || fail "sysObjectID is not net-snmp's linux"
# LSW_RERECORD=1: the fresh recording becomes the committed one (after a
# MIB change; mibs/nms/librenms/README.md), then the checks go on.
[ "${LSW_RERECORD:-}" = 1 ] && cp "$T/fresh.snmprec" "$REC"
mask "$REC" >"$T/rec.masked"
mask "$T/fresh.snmprec" >"$T/fresh.masked"
diff -u "$T/rec.masked" "$T/fresh.masked" >"$T/rec.diff" ||
  { head -40 "$T/rec.diff"; fail "the recording differs from the agent (re-record: see mibs/nms/librenms/README.md)"; }
echo "recording: $(wc -l <"$REC") lines, equal to a fresh recording"

lsw_log "4. snmpsimd serves the recording"
mkdir -p "$T/sim/data" "$T/sim/cache"
cp "$REC" "$T/sim/data/public.snmprec"
chmod -R a+rwX "$T/sim"
SIM_PORT=$(lsw_free_port)
simuser=(); [ "$(id -u)" = 0 ] && simuser=(--process-user=nobody --process-group=nogroup)
snmpsimd --data-dir="$T/sim/data" --cache-dir="$T/sim/cache" \
  --agent-udpv4-endpoint="127.0.0.1:$SIM_PORT" --logging-method="file:$T/sim/snmpsimd.log" \
  "${simuser[@]}" >>"$T/sim/snmpsimd.out" 2>&1 &
SIM_PID=$!
lsw_track "$SIM_PID"
lsw_wait_for 20 "snmpget -v2c -c public -t 1 -r 0 127.0.0.1:$SIM_PORT .1.3.6.1.2.1.1.2.0" ||
  { cat "$T/sim/snmpsimd.out" "$T/sim/snmpsimd.log"; lsw_fail "snmpsimd does not answer"; }
echo "snmpsimd: sysObjectID $(snmpget -v2c -c public -On -Oqv 127.0.0.1:$SIM_PORT .1.3.6.1.2.1.1.2.0) (net-snmp linux)"

disc() { "$PY" "$L/tools/yaml-discovery.py" "$DEF" "$1" public "$LMIBS"; }
disc "127.0.0.1:$SIM_PORT" >"$T/sim.sensors" || fail "discovery against snmpsimd failed"
disc "127.0.0.1:$SNMPD_PORT" >"$T/agent.sensors" || fail "discovery against the agent failed"
echo "--- sensors from snmpsimd (class|state_name|index|descr|group|value|num_oid|polled)"
cat "$T/sim.sensors"
diff -u "$T/agent.sensors" "$T/sim.sensors" || fail "snmpsimd and the agent give different sensors"
# The walks themselves, as LibreNMS runs them, line for line (TimeStamp
# columns lsConnLastChange/lsConnCounterDiscontinuityTime left out).
for w in "lsConnTable -OteQUsb" "lsCollectorStatus -OteQUs" "lsConnCount -OteQUs" \
         "lsConnUpCount -OteQUs" "lsIkeSaCount -OteQUs" "lsIpsecSaCount -OteQUs"; do
  set -- $w
  for p in "$SIM_PORT" "$SNMPD_PORT"; do
    snmpwalk -v2c -c public -t 3 -r 1 -M "$LMIBS" -m LIBRESWAN-STATUS-MIB "$2" -Ih "127.0.0.1:$p" "$1" |
      grep -v '^lsConn\(LastChange\|CounterDiscontinuityTime\)\.' >"$T/walk.$p"
  done
  [ -s "$T/walk.$SIM_PORT" ] || fail "snmpsimd: empty walk of $1"
  cmp -s "$T/walk.$SIM_PORT" "$T/walk.$SNMPD_PORT" ||
    { diff -u "$T/walk.$SNMPD_PORT" "$T/walk.$SIM_PORT" | head -20; fail "walk of $1 differs"; }
  echo "walk $1: $(wc -l <"$T/walk.$SIM_PORT") lines, snmpsimd = agent"
done

want() { grep -qxF "$1" "$T/sim.sensors" || fail "no sensor '$1'"; }
O=.1.3.6.1.4.1.41286.1.1
want "state|lsCollectorStatus|lsCollectorStatus.0|libreswan status collector|libreswan|1|$O.1.2.0|1"
want "state|lsConnOperStatus|9.118.50.45.116.117.110.110.101.108.0|v2-tunnel|IPsec connections (start)|3|$O.2.1.3.9.118.50.45.116.117.110.110.101.108.0|3"
want "state|lsConnOperStatus|9.118.54.45.116.117.110.110.101.108.0|v6-tunnel|IPsec connections (start)|3|$O.2.1.3.9.118.54.45.116.117.110.110.101.108.0|3"
want "state|lsConnOperStatusOnDemand|5.118.50.45.114.119.3.91.49.93|v2-rw[1]|IPsec connections (on demand)|3|$O.2.1.3.5.118.50.45.114.119.3.91.49.93|3"
want "count|-|lsConnCount.0|IPsec connections|libreswan|6|$O.1.7.0|6"
want "count|-|lsConnUpCount.0|IPsec connections up|libreswan|5|$O.1.24.0|5"
want "count|-|lsIkeSaCount.0|IKE SAs|libreswan|5|$O.1.8.0|5"
want "count|-|lsIpsecSaCount.0|IPsec SAs|libreswan|5|$O.1.9.0|5"
# the template v2-rw (notApplicable) makes no sensor
grep -q '|v2-rw|' "$T/sim.sensors" && fail "a sensor for the template v2-rw"
n=$(grep -c '^state|lsConnOperStatus' "$T/sim.sensors")
[ "$n" = 5 ] || fail "$n connection state sensors, want 5"
# every sensor's num_oid polled back its discovered value
awk -F'|' '$6 != $8 { print; bad = 1 } END { exit bad }' "$T/sim.sensors" || fail "a polled value differs"

[ "$failures" = 0 ] || lsw_fail "$failures checks failed"
echo "nms-librenms: all checks passed$schema_note"
