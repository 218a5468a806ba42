#!/usr/bin/env bash
# tests/nms/zabbix.sh (make check-nms, root): mibs/nms/zabbix/ in a real
# Zabbix 6.0 (Debian 12's 6.0.14). Installs zabbix-server-pgsql,
# zabbix-frontend-php, postgresql and php-pgsql when missing (no service is
# started: policy-rc.d), then, all in a temp dir and nothing of the host's
# touched: a private PostgreSQL cluster (unix socket in the temp dir, TCP on
# 127.0.0.1), Zabbix's schema/images/data, zabbix_server with a private
# config, a private copy of the frontend (Debian's reads the fixed path
# /etc/zabbix/zabbix.conf.php: the copy reads ours) served by `php -S` on
# loopback. Through the API: configuration.import of the template, a host on
# the test snmpd (SNMPv2c), "check now" of the discovery rule, then asserts
# the discovered item names, the trigger prototypes kept or dropped by the
# overrides, and values (oper status, bits per second).
# Exit 77 only when the packages cannot be installed (not root, or apt-get
# fails).
. "$(dirname "$0")/../lib.sh"
export MIBS=LIBRESWAN-STATUS-MIB
TEMPLATE=$LSW_TOP/mibs/nms/zabbix/template_libreswan_snmp.yaml
TNAME='Libreswan IPsec by SNMP'
D=$LSW_TOP/tests/data/agent

[ "$(id -u)" = 0 ] || lsw_skip "needs root (packages, users postgres and zabbix)"

# --- packages --------------------------------------------------------------
PKGS="zabbix-server-pgsql zabbix-frontend-php postgresql php-pgsql php-cli curl jq"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  lsw_log "installing:$missing"
  # No service may start: a policy-rc.d that says no (kept if the host has one).
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  ok=1
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      -o DPkg::Lock::Timeout=300 --no-install-recommends $missing; } >/tmp/lsw-nms-apt.$$.log 2>&1 || ok=""
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  if [ -z "$ok" ]; then
    tail -5 /tmp/lsw-nms-apt.$$.log; rm -f /tmp/lsw-nms-apt.$$.log
    lsw_skip "could not install$missing"
  fi
  rm -f /tmp/lsw-nms-apt.$$.log
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || lsw_fail "no initdb under /usr/lib/postgresql"
getent passwd zabbix >/dev/null || lsw_fail "no user zabbix (zabbix-server-pgsql creates it)"

lsw_setup
# Stopped before lsw_cleanup, in order (the frontend, the server, then its
# database), each by its PID with up to 30 s to finish: lsw_cleanup gives a
# process 1 s, then SIGKILL (zabbix_server's children would outlive it).
# SIGINT is the postmaster's fast shutdown.
ZBX_PID="" PHP_PID="" PG_PID=""
nms_cleanup() {
  local p sig
  for p in $PHP_PID $ZBX_PID $PG_PID; do
    sig=TERM
    [ "$p" = "$PG_PID" ] && sig=INT
    kill -$sig "$p" 2>/dev/null || continue
    for _ in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && { echo "# $p did not stop, SIGKILL"; kill -9 "$p"; }
    wait "$p" 2>/dev/null
  done
  lsw_cleanup
}
trap nms_cleanup EXIT
dump_logs() {
  for f in "$T/zbx/stdout.log" "$T/zbx/server.log" "$T/php.log" "$T/pg/log"; do
    [ -f "$f" ] && { echo "--- $f"; tail -40 "$f"; }
  done
}
# In a command substitution lsw_fail would end only the subshell: signal
# the script.
trap 'exit 1' USR1
nms_fail() {
  dump_logs >&2
  echo "FAIL: $*" >&2
  [ "$BASHPID" != "$$" ] && kill -USR1 $$
  exit 1
}

tcp_free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000)) # zabbix_server's ListenPort is at most 32767
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
}

# --- the test snmpd and our agent on a real capture --------------------------
lsw_start_snmpd
cp "$D/uml-03-up.west.status.txt" "$T/status.txt"
cp "$D/uml-03-up.west.trafficstatus.txt" "$T/traffic.txt"
lsw_start_agent --status-file "$T/status.txt" --traffic-file "$T/traffic.txt" --interval 1 --timeout 1

# The agent's notifications: snmpd sends them to 127.0.0.1:$TRAP_PORT, where
# snmptrapd hands each to a traphandle that appends it to Zabbix's SNMP trap
# file in the format of zabbix_trap_receiver.pl ("ZBXTRAP <address>", then
# the trap's text), which Debian does not ship.
cat >"$T/zbxtrap.sh" <<'HANDLER'
#!/bin/sh
read -r host
read -r addr
ip=$(printf '%s\n' "$addr" | sed -n 's/^UDP: \[\([^]]*\)\].*/\1/p')
{ printf '%s ZBXTRAP %s\n' "$(date '+%H:%M:%S %Y/%m/%d')" "${ip:-$host}"; cat; } >>"$1"
HANDLER
chmod 755 "$T/zbxtrap.sh"
mkdir -p "$T/zbx"
printf 'disableAuthorization yes\ntraphandle default %s %s\n' "$T/zbxtrap.sh" "$T/zbx/snmptraps.log" \
  >"$T/snmptrapd.conf"
: >"$T/zbx/snmptraps.log"
SNMP_PERSISTENT_DIR=$T/persist snmptrapd -f -Lf "$T/snmptrapd.log" -C -c "$T/snmptrapd.conf" \
  -p "$T/snmptrapd.pid" "udp:127.0.0.1:$TRAP_PORT" &
lsw_track $!
lsw_wait_for 10 "ss -Hlun 'sport = :$TRAP_PORT' | grep -q ." || lsw_fail "snmptrapd did not start"

# --- PostgreSQL: a private cluster ------------------------------------------
lsw_log "private PostgreSQL cluster"
PGPORT=$(tcp_free_port)
mkdir -p "$T/pg/data" "$T/pg/sock"
chown -R postgres: "$T/pg"
su postgres -s /bin/sh -c "'$PGBIN/initdb' -D '$T/pg/data' -A trust -U postgres -E UTF8 --locale=C.UTF-8" \
  >"$T/initdb.log" 2>&1 || { cat "$T/initdb.log"; lsw_fail "initdb failed"; }
# The postmaster as our own child (setpriv execs, no fork), stopped by its PID.
setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/postgres" -D "$T/pg/data" \
  -p "$PGPORT" -k "$T/pg/sock" -c listen_addresses=127.0.0.1 -c fsync=off \
  -c synchronous_commit=off -c full_page_writes=off >"$T/pg/log" 2>&1 &
PG_PID=$!
lsw_wait_for 30 "'$PGBIN/pg_isready' -q -h '$T/pg/sock' -p $PGPORT" \
  || { cat "$T/pg/log"; lsw_fail "PostgreSQL did not start"; }
PSQL="$PGBIN/psql -X -q -v ON_ERROR_STOP=1 -h $T/pg/sock -p $PGPORT"
$PSQL -U postgres -c "CREATE ROLE zabbix LOGIN" postgres \
  && $PSQL -U postgres -c "CREATE DATABASE zabbix OWNER zabbix ENCODING 'UTF8' TEMPLATE template0" postgres \
  || lsw_fail "cannot create the database"
lsw_log "loading Zabbix's schema, images and data"
for f in schema images data; do
  zcat "/usr/share/zabbix-server-pgsql/$f.sql.gz" | $PSQL -1 -U zabbix zabbix >"$T/load-$f.log" 2>&1 \
    || { tail "$T/load-$f.log"; lsw_fail "loading $f.sql failed"; }
done

# --- zabbix_server ------------------------------------------------------------
lsw_log "zabbix_server"
ZPORT=$(tcp_free_port)
mkdir -p "$T/zbx"
chown zabbix: "$T/zbx"
cat >"$T/zabbix_server.conf" <<CONF
ListenIP=127.0.0.1
ListenPort=$ZPORT
LogFile=$T/zbx/server.log
LogFileSize=0
PidFile=$T/zbx/server.pid
SocketDir=$T/zbx
DBHost=$T/pg/sock
DBPort=$PGPORT
DBName=zabbix
DBUser=zabbix
CacheUpdateFrequency=1
Timeout=4
StartPollers=2
StartPollersUnreachable=1
StartPreprocessors=1
StartLLDProcessors=1
StartHistoryPollers=1
StartDBSyncers=1
StartTrappers=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartAlerters=1
StartEscalators=1
StartTimers=1
StartReportWriters=0
StartODBCPollers=0
HousekeepingFrequency=0
StartSNMPTrapper=1
SNMPTrapperFile=$T/zbx/snmptraps.log
CONF
env -u MIBS -u MIBDIRS zabbix_server -f -c "$T/zabbix_server.conf" >"$T/zbx/stdout.log" 2>&1 &
ZBX_PID=$!
lsw_wait_for 30 "grep -q 'server #0 started' '$T/zbx/server.log'" || nms_fail "zabbix_server did not start"

# --- the frontend: a private copy that reads our zabbix.conf.php --------------
lsw_log "frontend (php -S)"
cp -a /usr/share/zabbix "$T/ui"
sed -i "s|const CONFIG_FILE_PATH = .*|const CONFIG_FILE_PATH = '$T/zabbix.conf.php';|" \
  "$T/ui/include/classes/core/CConfigFile.php"
grep -q "$T/zabbix.conf.php" "$T/ui/include/classes/core/CConfigFile.php" \
  || lsw_fail "cannot point the frontend copy at our zabbix.conf.php"
cat >"$T/zabbix.conf.php" <<CONF
<?php
\$DB['TYPE']     = 'POSTGRESQL';
\$DB['SERVER']   = '127.0.0.1';
\$DB['PORT']     = '$PGPORT';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER']     = 'zabbix';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA']   = '';
\$DB['ENCRYPTION'] = false;
\$DB['KEY_FILE'] = '';
\$DB['CERT_FILE'] = '';
\$DB['CA_FILE'] = '';
\$DB['VERIFY_HOST'] = false;
\$DB['CIPHER_LIST'] = '';
\$DB['VAULT_URL'] = '';
\$DB['VAULT_DB_PATH'] = '';
\$DB['VAULT_TOKEN'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER      = '127.0.0.1';
\$ZBX_SERVER_PORT = '$ZPORT';
\$ZBX_SERVER_NAME = 'libreswan-agentx test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
CONF
WPORT=$(tcp_free_port)
php -d memory_limit=512M -d max_execution_time=300 -S "127.0.0.1:$WPORT" -t "$T/ui" >"$T/php.log" 2>&1 &
PHP_PID=$!
API=http://127.0.0.1:$WPORT/api_jsonrpc.php
lsw_wait_for 20 "curl -sf -o /dev/null http://127.0.0.1:$WPORT/index.php" || nms_fail "php -S does not answer"

# api METHOD PARAMS-JSON: the result, or fail with the error.
AUTH=null
api() {
  local out
  out=$(jq -cn --arg m "$1" --argjson p "$2" --argjson a "$AUTH" \
          '{jsonrpc: "2.0", method: $m, params: $p, auth: $a, id: 1}' \
        | curl -sS -m 120 -H 'Content-Type: application/json-rpc' --data-binary @- "$API") \
    || nms_fail "API $1: no answer"
  if jq -e 'has("error")' >/dev/null <<<"$out"; then
    nms_fail "API $1: $(jq -c .error <<<"$out")"
  fi
  jq -c .result <<<"$out"
}
AUTH=$(api user.login '{"username": "Admin", "password": "zabbix"}')
lsw_log "API: logged in, Zabbix $(AUTH=null api apiinfo.version '[]')"

# --- import the template -------------------------------------------------------
lsw_log "configuration.import $TEMPLATE"
rules='{"groups": {"createMissing": true},
        "templates": {"createMissing": true, "updateExisting": true},
        "items": {"createMissing": true, "updateExisting": true},
        "triggers": {"createMissing": true, "updateExisting": true},
        "discoveryRules": {"createMissing": true, "updateExisting": true},
        "graphs": {"createMissing": true, "updateExisting": true},
        "valueMaps": {"createMissing": true, "updateExisting": true}}'
api configuration.import "$(jq -cn --rawfile s "$TEMPLATE" --argjson r "$rules" \
  '{format: "yaml", source: $s, rules: $r}')" >/dev/null
TID=$(api template.get "$(jq -cn --arg n "$TNAME" '{filter: {host: [$n]}, output: ["templateid"]}')" \
  | jq -r '.[0].templateid // empty')
[ -n "$TID" ] || nms_fail "template '$TNAME' not there after the import"
# The committed file is Zabbix's own export of itself: importing it and
# exporting it again gives the same YAML (but for the date).
api configuration.export "{\"format\": \"yaml\", \"options\": {\"templates\": [\"$TID\"]}}" \
  | jq -j . >"$T/export.yaml"
if ! diff -u <(grep -v '^  date: ' "$TEMPLATE") <(grep -v '^  date: ' "$T/export.yaml") >"$T/export.diff"; then
  [ -n "${LSW_ZBX_EXPORT:-}" ] && cp "$T/export.yaml" "$LSW_ZBX_EXPORT"
  head -40 "$T/export.diff"
  nms_fail "configuration.export differs from $TEMPLATE (LSW_ZBX_EXPORT=FILE saves the export)"
fi
echo "ok configuration.export gives back the committed template (but for the date)"
count() { api "$1" "{\"templateids\": [\"$TID\"], \"countOutput\": true}" | jq -r .; }
echo "ok template imported: $(count item.get) items, $(count discoveryrule.get) discovery rule," \
  "$(count itemprototype.get) item prototypes, $(count triggerprototype.get) trigger prototype"

# --- a host on the test snmpd ---------------------------------------------------
GID=$(api hostgroup.get '{"filter": {"name": ["Linux servers"]}, "output": ["groupid"]}' | jq -r '.[0].groupid')
HID=$(api host.create "$(jq -cn --arg port "$SNMPD_PORT" --arg g "$GID" --arg t "$TID" '{
  host: "lsw-gateway",
  interfaces: [{type: 2, main: 1, useip: 1, ip: "127.0.0.1", dns: "", port: $port,
                details: {version: 2, bulk: 1, community: "public"}}],
  groups: [{groupid: $g}], templates: [{templateid: $t}],
  macros: [{macro: "{$LS.POLL.INTERVAL}", value: "5s"}, {macro: "{$LS.CONN.DOWN.TIME}", value: "10s"},
           {macro: "{$LS.COLLECTOR.BAD.TIME}", value: "10s"}]}')" | jq -r '.hostids[0]')
lsw_log "host lsw-gateway ($HID) on 127.0.0.1:$SNMPD_PORT"
RID=$(api discoveryrule.get "{\"hostids\": [\"$HID\"], \"filter\": {\"key_\": [\"ls.conn.discovery\"]}, \"output\": [\"itemid\"]}" \
  | jq -r '.[0].itemid')

# --- discovery now ----------------------------------------------------------------
# "Check now" (task.create type 6); repeated until the items are there, as
# the server may not have the new host in its configuration cache yet.
lsw_log "task.create: check now on the discovery rule $RID"
discovered() {
  api item.get "{\"hostids\": [\"$HID\"], \"filter\": {\"flags\": 4}, \"output\": [\"name\", \"key_\", \"lastvalue\", \"lastclock\", \"itemid\"]}"
}
items="[]"
for i in $(seq 20); do
  sleep 2
  api task.create "{\"type\": 6, \"request\": {\"itemid\": \"$RID\"}}" >/dev/null
  for _ in 1 2 3 4; do
    sleep 1
    items=$(discovered)
    [ "$(jq length <<<"$items")" -gt 0 ] && break 2
  done
done
[ "$(jq length <<<"$items")" -gt 0 ] \
  || nms_fail "no discovered item after check now ($(api discoveryrule.get "{\"itemids\": [\"$RID\"], \"output\": [\"state\", \"error\"]}"))"
lsw_log "discovered $(jq length <<<"$items") items:"
jq -r '.[].name' <<<"$items" | sort | sed 's/^/#   /'

expect_item() { # NAME
  jq -e --arg n "$1" 'map(select(.name == $n)) | length == 1' >/dev/null <<<"$items" \
    || nms_fail "no discovered item '$1'"
  echo "ok item '$1'"
}
for c in v2-tunnel v1-tunnel v2-transport v6-tunnel v2-rw 'v2-rw[1]'; do
  expect_item "Connection $c: Operational status"
done
expect_item 'Connection v2-tunnel: Bits received'
expect_item 'Connection v2-rw[1]: Bits sent'
expect_item 'Connection v2-rw[1]: Last change'

# Triggers: "should be up" for the auto=start connections only.
triggers=$(api trigger.get "{\"hostids\": [\"$HID\"], \"output\": [\"description\"], \"filter\": {\"flags\": 4}}")
lsw_log "discovered triggers:"
jq -r '.[].description' <<<"$triggers" | sort | sed 's/^/#   /'
has_trigger() { jq -e --arg n "Connection $1: should be up" 'map(select(.description | startswith($n))) | length > 0' >/dev/null <<<"$triggers"; }
ONAME=LIBRESWAN-STATUS-MIB::lsConnAdminStatus
for c in v2-tunnel v1-tunnel v2-transport v6-tunnel v2-rw 'v2-rw[1]'; do
  name=${c%%\[*} inst=""
  [ "$name" != "$c" ] && inst=[${c#*\[}
  idx=$(lsw_conn_index "$name" "$inst")
  admin=$(snmpget $SNMP_OPTS -OqvU "$ONAME.$idx")
  kind=$(snmpget $SNMP_OPTS -OqvU "LIBRESWAN-STATUS-MIB::lsConnKind.$idx")
  if [ "$admin" = start ] && [ "$kind" != template ]; then
    has_trigger "$c" || nms_fail "no 'should be up' trigger for $c ($kind, $admin)"
    echo "ok $c ($kind, $admin): 'should be up' trigger"
  else
    has_trigger "$c" && nms_fail "a 'should be up' trigger for $c ($kind, $admin)"
    echo "ok $c ($kind, $admin): no 'should be up' trigger"
  fi
done
has_trigger v2-rw && nms_fail "the template v2-rw has a 'should be up' trigger"

# --- values ---------------------------------------------------------------------------
lastvalue() { # KEY
  api item.get "$(jq -cn --arg h "$HID" --arg k "$1" '{hostids: [$h], filter: {key_: [$k]}, output: ["lastvalue", "lastclock", "itemid"]}')"
}
wait_value() { # KEY SECONDS: the last value once there is one
  local end=$((SECONDS + $2)) r
  while [ $SECONDS -lt $end ]; do
    r=$(lastvalue "$1")
    [ "$(jq -r '.[0].lastclock // 0' <<<"$r")" != 0 ] && { jq -r '.[0].lastvalue' <<<"$r"; return 0; }
    sleep 2
  done
  return 1
}
T2=$(lsw_conn_index v2-tunnel "")
oper=$(wait_value "ls.conn.oper[lsConnOperStatus.$T2]" 60) || nms_fail "no value for the oper status of v2-tunnel"
[ "$oper" = 3 ] || nms_fail "v2-tunnel oper status: got $oper, want 3 (up)"
echo "ok Connection v2-tunnel: Operational status = 3 (up)"
coll=$(wait_value "ls.collector.status[lsCollectorStatus.0]" 60) || nms_fail "no value for the collector status"
[ "$coll" = 1 ] || nms_fail "collector status: got $coll, want 1 (ok)"
echo "ok Libreswan: Collector status = 1 (ok)"

# Bits received: a rate, so a value after two polls; then traffic moves by
# 1,000,000 octets and the rate goes above zero.
INKEY="ls.conn.in[lsConnInOctets.$T2]"
bps=$(wait_value "$INKEY" 60) || nms_fail "no value for Bits received of v2-tunnel"
echo "ok Connection v2-tunnel: Bits received = $bps bps (static traffic)"
sed 's/"v2-tunnel", type=ESP, add_time=\([0-9]*\), inBytes=252,/"v2-tunnel", type=ESP, add_time=\1, inBytes=1000252,/' \
  "$T/traffic.txt" >"$T/traffic.txt.new" && mv "$T/traffic.txt.new" "$T/traffic.txt"
grep -q inBytes=1000252 "$T/traffic.txt" || lsw_fail "cannot edit the traffic file"
lsw_wait_for 10 "[ \"\$(snmpget $SNMP_OPTS -OqvU LIBRESWAN-STATUS-MIB::lsConnInOctets.$T2)\" = 1000252 ]" \
  || lsw_fail "the agent does not serve the new octets"
end=$((SECONDS + 60)) nonzero=""
while [ $SECONDS -lt $end ]; do
  h=$(api history.get "$(jq -cn --arg i "$(jq -r '.[0].itemid' <<<"$(lastvalue "$INKEY")")" \
        '{itemids: [$i], history: 3, sortfield: "clock", sortorder: "DESC", limit: 20}')")
  nonzero=$(jq -r 'map(select((.value | tonumber) > 0)) | .[0].value // empty' <<<"$h")
  [ -n "$nonzero" ] && break
  sleep 2
done
[ -n "$nonzero" ] || nms_fail "Bits received of v2-tunnel stayed 0 after 1,000,000 octets more"
echo "ok Connection v2-tunnel: Bits received = $nonzero bps in history after 1,000,000 octets (8,000,000 bits)"

# --- v2-tunnel goes down: lsConnDown in the trap item, the trigger fires -----
trigger_value() { # DESCRIPTION-PREFIX: the discovered trigger's value (1: problem)
  api trigger.get "$(jq -cn --arg h "$HID" '{hostids: [$h], output: ["description", "value"]}')" \
    | jq -r --arg n "$1" 'map(select(.description | startswith($n))) | .[0].value // "none"'
}
wait_trigger() { # DESCRIPTION-PREFIX: up to 60 s for it to fire
  local end=$((SECONDS + 60))
  until [ "$(trigger_value "$1")" = 1 ]; do
    [ $SECONDS -lt $end ] || nms_fail "the trigger '$1' did not fire"
    sleep 2
  done
}
[ "$(trigger_value 'Libreswan: Collector stale or failed')" = 0 ] || nms_fail "the collector trigger is not OK"
[ "$(trigger_value 'Connection v2-tunnel: should be up')" = 0 ] \
  || nms_fail "the v2-tunnel trigger is not OK while it is up"
lsw_log "v2-tunnel terminated (uml-05-terminated capture)"
cp "$D/uml-05-terminated.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
cp "$D/uml-05-terminated.west.trafficstatus.txt" "$T/traffic.txt.new" && mv "$T/traffic.txt.new" "$T/traffic.txt"
TRAPKEY='snmptrap["(lsConnUp|lsConnDown|\.1\.3\.6\.1\.4\.1\.41286\.1\.0\.[12])([^.0-9]|$)"]'
trap_text=$(wait_value "$TRAPKEY" 60) || nms_fail "no lsConnDown in the item '$TRAPKEY' ($(cat "$T/zbx/snmptraps.log"))"
grep -q 'lsConnDown' <<<"$trap_text" && grep -q 'v2-tunnel' <<<"$trap_text" \
  || nms_fail "the up/down trap item holds: $trap_text"
echo "ok trap item 'Libreswan: Connection up/down notifications' holds lsConnDown for v2-tunnel"
wait_trigger 'Connection v2-tunnel: should be up'
echo "ok trigger 'Connection v2-tunnel: should be up and is not' fired (LS.CONN.DOWN.TIME 10s)"
problems() { api problem.get "$(jq -cn --arg h "$HID" '{hostids: [$h], output: ["name"]}')" | jq -r '.[].name'; }
lsw_log "problems: $(problems | paste -sd'|')"
for c in v1-tunnel v2-transport v6-tunnel; do
  [ "$(trigger_value "Connection $c: should be up")" = 0 ] || nms_fail "the $c trigger fired"
done
echo "ok the triggers of the tunnels still up stay OK"

# --- pluto cannot be read: lsCollectorFailed, the collector trigger ------------
lsw_log "status file removed: the collector fails after 3 polls"
rm -f "$T/status.txt"
CKEY='snmptrap["(lsCollectorFailed|lsCollectorRecovered|\.1\.3\.6\.1\.4\.1\.41286\.1\.0\.[89])([^.0-9]|$)"]'
trap_text=$(wait_value "$CKEY" 60) || nms_fail "no lsCollectorFailed in the item '$CKEY'"
grep -q lsCollectorFailed <<<"$trap_text" || nms_fail "the collector trap item holds: $trap_text"
echo "ok trap item 'Libreswan: Collector failed/recovered notifications' holds lsCollectorFailed"
wait_trigger 'Libreswan: Collector stale or failed'
echo "ok trigger 'Libreswan: Collector stale or failed (pluto cannot be read)' fired (LS.COLLECTOR.BAD.TIME 10s)"
lsw_log "problems: $(problems | paste -sd'|')"
lsw_log "zabbix: passed"
