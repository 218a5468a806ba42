#!/usr/bin/python3
"""yaml-discovery.py DEFINITION.yaml HOST:PORT COMMUNITY MIBDIRS

What LibreNMS's YAML sensor discovery (YamlDiscovery::preCache and
discovery_process in includes/discovery/functions.inc.php) makes of our
definition, for the subset of its features the definition uses: it walks
each data item's "oid" with snmpwalk, -m <mib>, LibreNMS's flags
(-OteQUs, or the item's snmp_flags) and -Ih; takes "value" per index;
skips an index by skip_values ({oid, op, value} against a column of the
same walk); fills {{ $index }} and {{ $column }} in num_oid, index and
descr; and then GETs every sensor's num_oid as the poller would. Prints
one line per sensor:

  CLASS|STATE_NAME-or-"-"|INDEX|DESCR|GROUP|VALUE|NUM_OID|POLLED

It does not reimplement LibreNMS; it is the shape of the snmpwalk/snmpget
calls a definition implies, so a test can run them against snmpsim.
"""
import re
import subprocess
import sys

import yaml

defn_file, target, community, mibdirs = sys.argv[1:5]
defn = yaml.safe_load(open(defn_file))
mib = defn['mib']
base = ['-v2c', '-c', community, '-t', '3', '-r', '1', '-M', mibdirs, '-m', mib]


def walk(oid, flags):
    out = subprocess.run(['snmpwalk'] + base + flags + ['-Ih', target, oid],
                         capture_output=True, text=True, check=True).stdout
    table = {}
    for line in out.splitlines():
        m = re.match(r'^([A-Za-z0-9-]+)\.(\S+) = ?(.*)$', line)
        if not m:
            continue
        col, index, value = m.groups()
        value = value.strip()
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        table.setdefault(index, {})[col] = value
    return table


def compare(a, b, op):
    a, b = str(a), str(b)
    if op in ('=', '=='):
        return a == b
    if op in ('!=', '!=='):
        return a != b
    raise SystemExit('op %s not handled here' % op)


def fill(template, index, row):
    s = str(template).replace('{{ $index }}', index)
    return re.sub(r'{{ \$?([A-Za-z0-9-]+) }}', lambda m: row.get(m.group(1), ''), s)


cache = {}
for cls, section in defn['modules']['sensors'].items():
    for item in section['data']:
        oid = item['oid']
        flags = item.get('snmp_flags', '-OteQUs')
        flags = [flags] if isinstance(flags, str) else list(flags)
        if oid not in cache:           # LibreNMS walks each oid once
            cache[oid] = walk(oid, flags)
        for index, row in cache[oid].items():
            value = row.get(item.get('value', oid))
            if value is None:
                continue
            skip = False
            for sv in item.get('skip_values', []):
                if isinstance(sv, dict):
                    if compare(row.get(sv['oid']), sv['value'], sv.get('op', '!=')):
                        skip = True
                elif str(value) == str(sv):
                    skip = True
            if skip or not re.match(r'^-?\d+(\.\d+)?$', value):
                continue
            num_oid = fill(item['num_oid'], index, row)
            polled = subprocess.run(['snmpget'] + base + ['-Oqv', '-Oe', '-Ot', '-OU', target, num_oid],
                                    capture_output=True, text=True).stdout.strip()
            print('|'.join([cls, item.get('state_name', '-') if cls == 'state' else '-',
                            fill(item.get('index', '{{ $index }}'), index, row),
                            fill(item['descr'], index, row), fill(item.get('group', ''), index, row),
                            value, num_oid, polled]))
