#!/usr/bin/env bash
# nms-prometheus: the Prometheus files of mibs/nms/prometheus/ in the real
# programs of Debian 12 (prometheus-snmp-exporter 0.21, promtool of
# prometheus 2.42): prometheus-snmp-generator regenerates snmp.yml from
# generator.yml with our MIBs only (mibs/ietf, mibs; no network) and it
# must equal the committed one; promtool checks rules.yml and runs its unit
# tests (rules.test.yml), and the README's scrape config with rules.yml
# passes promtool check config; the exporter, with the committed snmp.yml as it
# is, scrapes a private snmpd over SNMPv3 authPriv (the user of
# init/snmpd.conf.snippet and snmp.yml, with their placeholder passphrases)
# serving a real capture (uml-03-up: 6 connections, a template and its
# instance, real byte counts), and the series are checked value by value.
# Each scrape is then fed to promtool test rules as input series, so the
# rules are proved on the exporter's real labels.
. "$(dirname "$0")/../lib.sh"
P=$LSW_TOP/mibs/nms/prometheus
D=$LSW_TOP/tests/data/agent
for c in prometheus-snmp-exporter prometheus-snmp-generator promtool curl; do
  command -v "$c" >/dev/null 2>&1 ||
    lsw_skip "$c not installed (make deps: prometheus-snmp-exporter, prometheus, curl)"
done
lsw_require snmpd snmpget
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
lsw_setup

lsw_log "generator: snmp.yml from generator.yml equals the committed one"
mkdir "$T/gen"
cp "$P/generator.yml" "$T/gen/"
# Only our MIBs (and no net-snmp defaults): what the committed file was made with.
(cd "$T/gen" && MIBDIRS="$LSW_TOP/mibs/ietf:$LSW_TOP/mibs" MIBS= \
  prometheus-snmp-generator --fail-on-parse-errors generate) >"$T/gen.log" 2>&1 ||
  { cat "$T/gen.log"; lsw_fail "prometheus-snmp-generator failed"; }
grep -q 'level=warn' "$T/gen.log" && { cat "$T/gen.log"; lsw_fail "generator warnings"; }
diff -u "$P/snmp.yml" "$T/gen/snmp.yml" ||
  lsw_fail "mibs/nms/prometheus/snmp.yml is not what generator.yml makes: regenerate it (README)"
grep 'Generated metrics' "$T/gen.log" | sed 's/^.*module=/ok generated module=/'
prometheus-snmp-exporter --dry-run --config.file="$P/snmp.yml" >"$T/dry.log" 2>&1 ||
  { cat "$T/dry.log"; lsw_fail "exporter --dry-run rejects snmp.yml"; }
echo "ok exporter --dry-run accepts snmp.yml"

lsw_log "promtool: rules.yml"
promtool check rules "$P/rules.yml" || lsw_fail "promtool check rules"
(cd "$P" && promtool test rules rules.test.yml) || lsw_fail "promtool test rules"
# The README's scrape config, with rules.yml, is a valid prometheus.yml.
mkdir "$T/prom"
cp "$P/rules.yml" "$T/prom/libreswan.yml"
{ printf 'rule_files: [libreswan.yml]\n'
  awk '/^        scrape_configs:$/ { on = 1 } on && /^$/ { exit } on { print substr($0, 9) }' "$LSW_TOP/README.md"
} >"$T/prom/prometheus.yml"
grep -q 'module: \[libreswan\]' "$T/prom/prometheus.yml" || lsw_fail "no scrape config in README.md"
promtool check config "$T/prom/prometheus.yml" || { cat "$T/prom/prometheus.yml"; lsw_fail "README's scrape config"; }

lsw_log "a private snmpd with the SNMPv3 user of snmp.yml, the agent on uml-03-up"
SNMPD_PORT=$(lsw_free_port)
TRAP_PORT=$(lsw_free_port)
AGENTX_SOCK=$T/agentx.sock
mkdir -p "$T/persist"
# The credentials are snmp.yml's own (the snippet's placeholders).
user=$(sed -n '/^libreswan:/,/^[a-z]/s/^ *username: //p' "$P/snmp.yml" | head -1)
auth=$(sed -n '/^libreswan:/,/^[a-z]/s/^ *password: //p' "$P/snmp.yml" | head -1)
priv=$(sed -n '/^libreswan:/,/^[a-z]/s/^ *priv_password: //p' "$P/snmp.yml" | head -1)
[ "$user/$auth/$priv" = nms/AUTH-PASSPHRASE/PRIV-PASSPHRASE ] || lsw_fail "snmp.yml auth: $user/$auth/$priv"
cat >"$T/snmpd.conf" <<EOF2
master agentx
agentXSocket $AGENTX_SOCK
agentXPerms 0660 0770
agentXTimeout 1
agentXRetries 1
createUser $user SHA-256 "$auth" AES "$priv"
rouser -s usm $user authpriv
EOF2
SNMPD_LOG=$T/snmpd.log
SNMP_PERSISTENT_DIR=$T/persist MIBS= snmpd -f -Lf "$SNMPD_LOG" -C -c "$T/snmpd.conf" \
  -p "$T/snmpd.pid" "udp:127.0.0.1:$SNMPD_PORT" &
lsw_track $!
SNMP_OPTS="-v3 -l authPriv -u $user -a SHA-256 -A $auth -x AES -X $priv -t 3 -r 1 127.0.0.1:$SNMPD_PORT"
lsw_wait_for 10 "snmpget $SNMP_OPTS SNMPv2-MIB::sysUpTime.0" || { cat "$SNMPD_LOG"; lsw_fail "snmpd does not answer"; }
cp "$D/uml-03-up.west.status.txt" "$T/status.txt"
cp "$D/uml-03-up.west.trafficstatus.txt" "$T/traffic.txt"
lsw_start_agent --status-file "$T/status.txt" --traffic-file "$T/traffic.txt" --interval 1
lsw_wait_for 10 "[ \"\$(lsw_get lsConnUpCount.0)\" = 5 ]" || lsw_fail "capture not served"

lsw_log "the exporter, with the committed snmp.yml"
while :; do
  HTTP_PORT=$((20000 + RANDOM % 40000))
  ss -Hltn "sport = :$HTTP_PORT" 2>/dev/null | grep -q . || break
done
prometheus-snmp-exporter --config.file="$P/snmp.yml" --web.listen-address="127.0.0.1:$HTTP_PORT" \
  >"$T/exporter.log" 2>&1 &
lsw_track $!
lsw_wait_for 10 "curl -sf http://127.0.0.1:$HTTP_PORT/metrics" || { cat "$T/exporter.log"; lsw_fail "exporter did not start"; }
scrape() {
  curl -sf -o "$T/$1.prom" "http://127.0.0.1:$HTTP_PORT/snmp?target=127.0.0.1:$SNMPD_PORT&module=$1" ||
    { cat "$T/exporter.log"; lsw_fail "scrape of module $1 failed"; }
}
t0=$EPOCHREALTIME
scrape libreswan
echo "ok scraped module libreswan in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s: $(grep -vc '^#' "$T/libreswan.prom") samples"
# expect FILE 'SERIES' VALUE: that exact series with that value.
expect() {
  local got
  got=$(grep -F -- "$2 " "$T/$1.prom" | grep -vF '#' | awk '{ print $NF }')
  [ "$got" = "$3" ] || { grep -F "${2%%\{*}" "$T/$1.prom" >&2; lsw_fail "$2: got '$got', want '$3'"; }
  echo "ok $2 $got"
}
# series METRIC CONN INSTANCE ['label="value"'...]: a connection's series as
# the exporter prints it: labels name, instance, display name and the
# others, sorted.
series() {
  local metric=$1 c=$2 i=$3
  shift 3
  echo "$metric{$(printf '%s\n' "lsConnName=\"$c\"" "lsConnInstance=\"$i\"" \
    "lsConnDisplayName=\"$c$i\"" "$@" | LC_ALL=C sort | paste -sd,)}"
}
expect libreswan 'lsCollectorStatus{lsCollectorStatus="ok"}' 1
expect libreswan 'lsCollectorStatus{lsCollectorStatus="stale"}' 0
expect libreswan 'lsCollectorStatus{lsCollectorStatus="failed"}' 0
expect libreswan 'lsConnCount' 6
expect libreswan 'lsConnUpCount' 5
expect libreswan 'lsLastError{lsLastError=""}' 1
expect libreswan 'lsPlutoVersion{lsPlutoVersion="4.10"}' 1
expect libreswan "$(series lsConnOperStatus v2-tunnel '' 'lsConnOperStatus="up"')" 1
expect libreswan "$(series lsConnOperStatus v2-tunnel '' 'lsConnOperStatus="down"')" 0
expect libreswan "$(series lsConnOperStatus v2-rw '' 'lsConnOperStatus="notApplicable"')" 1
expect libreswan "$(series lsConnOperStatus v2-rw '' 'lsConnOperStatus="up"')" 0
expect libreswan "$(series lsConnOperStatus v2-rw '[1]' 'lsConnOperStatus="up"')" 1
expect libreswan "$(series lsConnKind_info v2-rw '' 'lsConnKind="template"')" 1
expect libreswan "$(series lsConnKind_info v2-rw '[1]' 'lsConnKind="instance"')" 1
expect libreswan "$(series lsConnAdminStatus_info v2-tunnel '' 'lsConnAdminStatus="start"')" 1
expect libreswan "$(series lsConnAdminStatus_info v2-rw '' 'lsConnAdminStatus="add"')" 1
expect libreswan "$(series lsConnRemoteId v2-tunnel '' 'lsConnRemoteId="@east"')" 1
expect libreswan "$(series lsConnRemoteAddr v6-tunnel '' 'lsConnRemoteAddr="2001:0DB8:0000:0001:0000:0000:0000:0002"')" 1
# Every connection's octets equal its trafficstatus line (inBytes/outBytes).
n=0
while read -r line; do
  [[ $line =~ \"([^\"]+)\"(\[[0-9]+\])?.*inBytes=([0-9]+),\ outBytes=([0-9]+) ]] || continue
  name=${BASH_REMATCH[1]} inst=${BASH_REMATCH[2]} in=${BASH_REMATCH[3]} out=${BASH_REMATCH[4]}
  expect libreswan "$(series lsConnInOctets "$name" "$inst")" "$in"
  expect libreswan "$(series lsConnOutOctets "$name" "$inst")" "$out"
  n=$((n + 1))
done <"$D/uml-03-up.west.trafficstatus.txt"
[ "$n" = 5 ] || lsw_fail "$n trafficstatus lines checked, want 5"
# One series per connection and state: 6 x 5.
n=$(grep -c '^lsConnOperStatus{' "$T/libreswan.prom")
[ "$n" = 30 ] || lsw_fail "lsConnOperStatus: $n series, want 30"
grep -q '^snmp_error\|^lsConnNameText\|^lsConnDisplayName' "$T/libreswan.prom" && lsw_fail "unexpected series"
echo "ok 30 lsConnOperStatus series, no snmp_error"

lsw_log "the opt-in SA module"
scrape libreswan_sa
expect libreswan_sa 'lsIpsecSaInOctets{lsIpsecSaConnInstance="",lsIpsecSaConnName="v2-tunnel",lsIpsecSaSerial="3"}' 252
expect libreswan_sa 'lsIpsecSaState{lsIpsecSaConnInstance="[1]",lsIpsecSaConnName="v2-rw",lsIpsecSaSerial="11",lsIpsecSaState="established"}' 1
expect libreswan_sa 'lsIkeSaState{lsIkeSaConnInstance="",lsIkeSaConnName="v2-tunnel",lsIkeSaSerial="2",lsIkeSaState="established"}' 1
grep -q '^lsConn' "$T/libreswan_sa.prom" && lsw_fail "lsConnTable in the SA module"
echo "ok the SA module has only SA series"

lsw_log "rules.yml on the real series: LibreswanTunnelDown"
# promtool test rules with the scraped samples as input series, constant
# for 20 minutes, labelled as a scrape job "libreswan" would (an empty
# label value is no label in Prometheus).
as_series() {
  awk -v q="'" '
    /^#/ { next }
    {
      v = $NF; s = substr($0, 1, length($0) - length(v) - 1)
      i = index(s, "{"); name = s; body = ""
      if (i) { name = substr(s, 1, i - 1); body = substr(s, i + 1, length(s) - i - 1) }
      out = ""
      while (match(body, /^[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"/)) {
        l = substr(body, 1, RLENGTH); body = substr(body, RLENGTH + 1); sub(/^,/, "", body)
        if (l !~ /=""$/) out = out l ","
      }
      ser = name "{" out "instance=\"gw\",job=\"libreswan\"}"
      gsub(q, q q, ser)
      printf "      - series: %s%s%s\n        values: %s%sx20%s\n", q, ser, q, q, v, q
    }' "$T/$1.prom"
}
rules_test() {   # NAME SCRAPE EXPECTED-ALERTS-YAML
  { echo "rule_files: [$P/rules.yml]"
    echo "evaluation_interval: 1m"
    echo "tests:"
    echo "  - interval: 1m"
    echo "    input_series:"
    as_series "$2"
    echo "    alert_rule_test:"
    echo "      - eval_time: 10m"
    echo "        alertname: LibreswanTunnelDown"
    echo "        exp_alerts: $3"
  } >"$T/$1.test.yml"
  promtool test rules "$T/$1.test.yml" || { cat "$T/$1.test.yml"; lsw_fail "rules on the $2 scrape"; }
}
rules_test up libreswan '[]'
echo "ok uml-03-up: no LibreswanTunnelDown, every auto=start connection is up"
# uml-05: v2-tunnel terminated by "ipsec down", which also clears its +UP
# policy: no longer start but ondemand, so no alert either.
cp "$D/uml-05-terminated.west.trafficstatus.txt" "$T/traffic.txt"
cp "$D/uml-05-terminated.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
lsw_wait_for 10 "[ \"\$(lsw_get 'lsConnOperStatus.\"v2-tunnel\".\"\"')\" = down ]" || lsw_fail "terminate not seen"
scrape libreswan
cp "$T/libreswan.prom" "$T/terminated.prom"
expect terminated "$(series lsConnOperStatus v2-tunnel '' 'lsConnOperStatus="down"')" 1
expect terminated "$(series lsConnAdminStatus_info v2-tunnel '' 'lsConnAdminStatus="ondemand"')" 1
# its SA is gone; the counter keeps the last count, it does not go down
expect terminated "$(series lsConnInOctets v2-tunnel '')" 252
rules_test terminated terminated '[]'
echo "ok uml-05-terminated: v2-tunnel down after ipsec down (ondemand): no LibreswanTunnelDown"
# ns-03: IKE SAs up, no IPsec SA established: the four auto=start
# connections are connecting and alert; v2-rw and v2-rw[1] (auto=add) not.
cp "$D/ns-03-up.west.status.txt" "$T/status.txt.new" && mv "$T/status.txt.new" "$T/status.txt"
: >"$T/traffic.txt"
lsw_wait_for 10 "[ \"\$(lsw_get lsConnUpCount.0)\" = 0 ]" || lsw_fail "ns-03 not served"
scrape libreswan
cp "$T/libreswan.prom" "$T/connecting.prom"
expect connecting "$(series lsConnOperStatus v2-tunnel '' 'lsConnOperStatus="connecting"')" 1
exp=
for c in v1-tunnel v2-transport v2-tunnel v6-tunnel; do
  exp+="
          - exp_labels: { severity: critical, instance: gw, job: libreswan, lsConnName: $c, lsConnDisplayName: $c, lsConnOperStatus: up }
            exp_annotations:
              summary: \"IPsec tunnel $c on gw is not up\"
              description: \"Connection $c is auto=start but has had no established IPsec SA for 5 minutes (lsConnOperStatus != up) while the agent polls pluto fine.\""
done
rules_test connecting connecting "$exp"
echo "ok ns-03-up: LibreswanTunnelDown for v1-tunnel, v2-transport, v2-tunnel, v6-tunnel only"

lsw_log "collector stale (the status file is gone): the state set moves"
rm "$T/status.txt"
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = stale ]" || lsw_fail "not stale"
scrape libreswan
expect libreswan 'lsCollectorStatus{lsCollectorStatus="ok"}' 0
expect libreswan 'lsCollectorStatus{lsCollectorStatus="stale"}' 1
# the last good snapshot (ns-03) is still served
expect libreswan "$(series lsConnOperStatus v2-tunnel '' 'lsConnOperStatus="connecting"')" 1
grep '^lsLastError{lsLastError=".*status.txt' "$T/libreswan.prom" || lsw_fail "lsLastError: $(grep ^lsLastError "$T/libreswan.prom")"
# the same four connecting tunnels, but the data is not fresh: no alert
rules_test stale libreswan '[]'
echo "ok stale: no LibreswanTunnelDown while the collector is not ok"
echo PASS
