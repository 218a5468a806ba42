#!/usr/bin/env bash
# lswstat end to end: real status/trafficstatus output of libreswan 3.32,
# 4.10 and 5.4 (copied from ../shared/corpus into tests/data/lswstat) through
# --json, --summary and the table; stdin; errors; a fake ipsec (argv,
# environment, --ctlsocket, failures, a hang under --timeout).
. "$(dirname "$0")/../lib.sh"
lsw_require jq
[ -x "$LSWSTAT_BIN" ] || lsw_fail "$LSWSTAT_BIN not built"
lsw_setup

D=$LSW_TOP/tests/data/lswstat
FAKE=$D/fake-ipsec
L=$LSWSTAT_BIN
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# jq_is JSONFILE FILTER EXPECTED: the filter's compact output equals EXPECTED.
jq_is() {
  local got
  got=$(jq -c "$2" "$1" 2>&1)
  [ "$got" = "$3" ] || fail "$(basename "$1"): $2 = $got, expected $3"
}

# run NAME ARGS...: lswstat's stdout, stderr and exit code in $T/NAME.{out,err,rc}.
# A hang (a bug) fails the test instead of blocking the whole suite.
run() {
  local name=$1
  shift
  timeout -k 2 30 "$L" "$@" >"$T/$name.out" 2>"$T/$name.err"
  echo $? >"$T/$name.rc"
}
rc_is() { [ "$(cat "$T/$1.rc")" = "$2" ] || fail "$1: exit $(cat "$T/$1.rc"), expected $2 ($(cat "$T/$1.err"))"; }
err_has() { grep -qF -- "$2" "$T/$1.err" || fail "$1: stderr lacks '$2': $(cat "$T/$1.err")"; }
out_has() { grep -qE -- "$2" "$T/$1.out" || fail "$1: stdout lacks /$2/: $(cat "$T/$1.out")"; }

# --- JSON of each release: status + trafficstatus of the same host --------
# name  status-fixture traffic-fixture  bytes  routed(5.x prints it)
while read -r v bytes routed exact; do
  lsw_log "json $v"
  run "json-$v" --json --status "$D/$v-ikev2-delete-01.status" --traffic "$D/$v-ikev2-delete-01.traffic"
  rc_is "json-$v" 0
  J=$T/json-$v.out
  jq -e . "$J" >/dev/null || fail "$v: not JSON"
  jq_is "$J" '.connections | length' 1
  jq_is "$J" '.connections[0] | [.name, .instance, .state, .remote_host, .ike_version]' \
    '["westnet-eastnet-ipv4-psk-ikev2","","up","192.1.2.23",2]'
  jq_is "$J" '.connections[0] | [.newest_ike_sa, .newest_child_sa, .in_bytes, .out_bytes]' "[1,2,$bytes,$bytes]"
  jq_is "$J" '.ike_sas | map([.serial, .connection, .state, .established, .ike_version, .peer, .peer_port])' \
    '[[1,"westnet-eastnet-ipv4-psk-ikev2","established",true,2,"192.1.2.23",500]]'
  jq_is "$J" '.child_sas | map([.serial, .ike_sa, .connection, .established, .in_bytes, .out_bytes, .bytes_exact])' \
    "[[2,1,\"westnet-eastnet-ipv4-psk-ikev2\",true,$bytes,$bytes,$exact]]"
  jq_is "$J" '.child_sas[0] | [.add_time, .remote_id, .mode, .type]' '[1234567890,"@east","tunnel","ESP"]'
  # Numbers are numbers, not strings.
  jq_is "$J" '[.child_sas[0].in_bytes, .ike_sas[0].serial, .unparsed] | map(type)' '["number","number","number"]'
  jq_is "$J" '.totals' "{\"connections\":{\"loaded\":1,\"routed\":$routed,\"active\":1},\"ike_sas\":{\"total\":1,\"half_open\":0,\"open\":0,\"authenticated\":1,\"anonymous\":0},\"ipsec_sas\":{\"total\":1,\"authenticated\":1,\"anonymous\":0}}"
  jq_is "$J" '.counts' '{"connections":1,"up":1,"connecting":0,"down":0,"ike_sas":1,"ike_established":1,"child_sas":1,"child_established":1}'
  jq_is "$J" '.unparsed' 0
done <<'EOF'
v3.32 336 null true
v4.10 84 null true
v5.4 84 1 true
EOF

# Status alone: the instance, a DN with ", " in the ID, and the byte counts
# that only the rounded ESPin=168B of the SPI line gives.
lsw_log "json rw-replace (instance, DN, rounded bytes)"
run rw --json --status "$D/v4.10-ikev2-41-rw-replace.status"
rc_is rw 0
J=$T/rw.out
jq_is "$J" '.connections | map(.name + .instance + " " + .state)' '["road-east-x509-ipv4 down","road-east-x509-ipv4[1] up"]'
jq_is "$J" '.connections[1].remote_id' '"C=CA, ST=Ontario, L=Toronto, O=Libreswan, OU=Test Department, CN=east.testing.libreswan.org, E=user-east@testing.libreswan.org"'
jq_is "$J" '.connections[1] | [.local_client, .remote_client, .eroute_owner]' '["192.0.2.100/32","0.0.0.0/0",2]'
jq_is "$J" '.connections[0] | [.newest_ike_sa, .newest_child_sa, .eroute_owner]' '[null,null,null]'
jq_is "$J" '.ike_sas | map([.serial, .instance, .newest])' '[[3,"[1]",true]]'
jq_is "$J" '.child_sas | map([.serial, .ike_sa, .instance, .in_bytes, .bytes_exact])' '[[2,3,"[1]",168,false]]'
jq_is "$J" '.totals.connections.loaded' 2

# Trafficstatus alone: names with # and /, instances, leases.
lsw_log "json newoe trafficstatus"
run newoe --json --status "$D/v4.10-newoe-25.traffic"
rc_is newoe 0
J=$T/newoe.out
jq_is "$J" '.child_sas | map([.serial, .connection, .instance, .in_bytes, .out_bytes])' \
  '[[2,"private-or-clear#192.1.2.0/24","[1]",84,84],[4,"private-or-clear#192.1.2.0/24","[2]",168,168],[6,"private-or-clear#192.1.3.33/32","[1]",252,252]]'
jq_is "$J" '.child_sas | map(.lease)' '["10.0.10.1/32","10.0.10.1/32",null]'
jq_is "$J" '.child_sas | map(.remote_id) | unique' '["ID_NULL"]'
jq_is "$J" '[.child_sas[0].ike_sa, .child_sas[0].state_name, .totals.ike_sas.total]' '[null,null,null]'

# --- JSON escaping: a hand-made trafficstatus line whose name holds a
# backslash, a tab, a control character, an invalid byte and UTF-8, and an
# id with a quote; also a 5 GiB counter (past 32 bits). The parser stores
# the tab, the control and the invalid byte as \xNN (parser/utf8.h), the
# backslash as it is; JSON then escapes the backslashes and the quote.
lsw_log "json escaping"
printf '006 #7: "a\\b\tc\001\377\303\251", type=ESP, add_time=1234567890, inBytes=5368709120, outBytes=2, id='"'"'@x"y'"'"'\n' >"$T/weird.txt"
run weird --json --status "$T/weird.txt"
rc_is weird 0
jq -e . "$T/weird.out" >/dev/null || fail "weird: not valid JSON: $(cat "$T/weird.out")"
# Compared inside jq, whose string literal reads the escapes.
jq_is "$T/weird.out" '.child_sas[0].connection == "a\\b\\x09c\\x01\\xff\u00e9"' true
jq_is "$T/weird.out" '.child_sas[0] | [.remote_id, .in_bytes]' '["@x\"y",5368709120]'
grep -qF '"a\\b\\x09c\\x01\\xff' "$T/weird.out" || fail "weird: control characters not escaped as expected"
run weird-table --status "$T/weird.txt"
out_has weird-table '^#7 .* a\\b\\x09c\\x01\\xffé '
LC_ALL=C grep -q "$(printf '\001')" "$T/weird-table.out" && fail "weird-table: raw control character in the table"

# --- terminal controls from the peer (issue 11): a C1 CSI (C2 9B), an ESC,
# bidi overrides and isolates (U+202E, U+2066) in a connection name and in
# the peer's ID and username. The table shows none of them raw: C0/C1 come
# escaped by the parser, the bidi controls as "?".
lsw_log "table: C1 controls and bidi overrides"
printf '#3: "rw\302\2332J\342\200\256evil\342\201\246x\033[31m"[1] 192.1.2.254, username=u\302\233\342\200\256, type=ESP, add_time=1234567890, inBytes=1, outBytes=2, lease=10.0.0.1/32\n' >"$T/bidi.txt"
printf '#4: "rw"[2] 192.1.2.253, type=ESP, add_time=1234567890, inBytes=1, outBytes=2, id='"'"'@a\302\233\342\200\252b\342\201\251'"'"'\n' >>"$T/bidi.txt"
run bidi-table --status "$T/bidi.txt"
rc_is bidi-table 0
for bytes in '\302\233' '\342\200\256' '\342\201\246' '\033'; do
  LC_ALL=C grep -q "$(printf "$bytes")" "$T/bidi-table.out" && fail "bidi-table: raw $bytes in the table"
done
out_has bidi-table '^#3 .* rw\\xc2\\x9b2J\?evil\?x\\x1b\[31m\[1\] '
run bidi-json --json --status "$T/bidi.txt"
jq_is "$T/bidi-json.out" '.child_sas | map(.username, .remote_id) == ["u\\xc2\\x9b\u202e",null,null,"@a\\xc2\\x9b\u202ab\u2069"]' true

# --- --max-output: an input that never ends stops with an error ----------
lsw_log "max-output"
run zero --status /dev/zero
rc_is zero 1
err_has zero "lswstat: /dev/zero: larger than --max-output (268435456 bytes)"
head -c 5000 "$D/v4.10-ikev2-delete-01.status" >"$T/5000.txt"
run max-small --max-output 4096 --status "$T/5000.txt"
rc_is max-small 1
err_has max-small "larger than --max-output (4096 bytes)"
run max-ok --max-output 5000 --json --status "$T/5000.txt"
rc_is max-ok 0
run max-bad --max-output 4095 --status "$T/5000.txt"
rc_is max-bad 2
err_has max-bad "--max-output: not a number of bytes in 4096..2147483648: '4095'"

# --- --summary ------------------------------------------------------------
lsw_log "summary"
run sum --summary --status "$D/v4.10-ikev2-delete-01.status" --traffic "$D/v4.10-ikev2-delete-01.traffic"
rc_is sum 0
lines=$(cat "$D/v4.10-ikev2-delete-01.status" "$D/v4.10-ikev2-delete-01.traffic" | wc -l)
[ "$(cat "$T/sum.out")" = "connections=1 up=1 connecting=0 down=0 ike_sas=1 ike_established=1 child_sas=1 child_established=1 unparsed=0 lines=$lines" ] \
  || fail "summary: $(cat "$T/sum.out")"
[ "$(wc -l <"$T/sum.out")" = 1 ] || fail "summary: more than one line"
# Lines it does not understand are counted, and still exit 0.
printf 'hello world\n000 #1: "c":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); newest; idle;\nnot status either\n' >"$T/junk.txt"
run junk --summary --status "$T/junk.txt"
rc_is junk 0
out_has junk 'ike_sas=1 ike_established=1 .* unparsed=2 lines=3$'
run junk-json --json --status "$T/junk.txt"
jq_is "$T/junk-json.out" '[.unparsed, .unparsed_lines]' '[2,[1,3]]'
run junk-table --status "$T/junk.txt"
out_has junk-table '^2 of 3 lines not understood \(lines 1, 3\)$'

# --- the table ---------------------------------------------------------------
lsw_log "table"
run table --status "$D/v4.10-ikev2-delete-01.status" --traffic "$D/v4.10-ikev2-delete-01.traffic"
rc_is table 0
out_has table '^CONNECTION +STATE +PEER +IKE +IKE SA +CHILD SA +IN +OUT +UPTIME$'
# add_time=1234567890 (Feb 2009): thousands of days ago.
out_has table '^westnet-eastnet-ipv4-psk-ikev2 +up +192\.1\.2\.23 +IKEv2 +#1 +#2 +84 B +84 B +[0-9]{4,}d[0-9]{2}h$'
out_has table '^#1\* +westnet-eastnet-ipv4-psk-ikev2 +192\.1\.2\.23:500 +IKEv2 +established +- +STATE_V2_ESTABLISHED_IKE_SA$'
out_has table '^#2\* +#1 +westnet-eastnet-ipv4-psk-ikev2 +192\.1\.2\.23:500 +established +tunnel +esp \?/\? +84 B +84 B +[0-9]+d[0-9]{2}h$'
out_has table '^1 connection \(1 up, 0 connecting, 0 down\), 1 IKE SA \(1 established\), 1 Child SA \(1 established\)$'
run table-rw --status "$D/v4.10-ikev2-41-rw-replace.status"
out_has table-rw '^road-east-x509-ipv4 +down +192\.1\.2\.23 +IKEv2 +- +- +- +- +-$'
out_has table-rw '^road-east-x509-ipv4\[1\] +up +192\.1\.2\.23 +IKEv2 +#3 +#2 +168 B +168 B +-$'
out_has table-rw '^#2\* +#3 +road-east-x509-ipv4\[1\] .* ~168 B +~168 B +-$'

# Real 4.10 output of the namespace tier (copied from tests/data/real/ns):
# IKE SAs up, a Child SA still negotiating (no ESP in that kernel), so no
# byte counts anywhere.
run table-ns --status "$D/v4.10-ns-up-west.status" --traffic "$D/v4.10-ns-up-west.traffic"
rc_is table-ns 0
out_has table-ns '^v1-tunnel +connecting +192\.0\.2\.2 +IKEv1 +#3 +#10 +- +- +-$'
out_has table-ns '^v2-rw\[1\] +connecting +192\.0\.2\.3 +IKEv2 +#7 +- +- +- +-$'
out_has table-ns '^#3\* +v1-tunnel +192\.0\.2\.2:500 +IKEv1 +established +initiator +STATE_MAIN_I4$'
out_has table-ns '^#5\* +v6-tunnel +\[2001:db8:0:1::2\]:500 +IKEv2 +established '
out_has table-ns '^#10 +- +v1-tunnel +192\.0\.2\.2:500 +negotiating +- +- +- +- +-$'
out_has table-ns '^6 connections \(0 up, 5 connecting, 1 down\), 5 IKE SAs \(5 established\), 1 Child SA \(0 established\)$'
out_has table-ns '^pluto version 4\.10$'
run json-ns --json --status "$D/v4.10-ns-up-west.status" --traffic "$D/v4.10-ns-up-west.traffic"
jq_is "$T/json-ns.out" '.child_sas | map([.serial, .established, .in_bytes, .state_name])' '[[10,false,null,"STATE_QUICK_I1"]]'
jq_is "$T/json-ns.out" '[.pluto_version, .unparsed]' '["4.10",0]'

# --- stdin, and files that do not end in a newline ------------------------
lsw_log "stdin"
cat "$D/v5.4-ikev2-delete-01.status" "$D/v5.4-ikev2-delete-01.traffic" | timeout -k 2 30 "$L" --json --status - >"$T/stdin.out" 2>"$T/stdin.err" \
  || fail "stdin: exit $? $(cat "$T/stdin.err")"
run files --json --status "$D/v5.4-ikev2-delete-01.status" --traffic "$D/v5.4-ikev2-delete-01.traffic"
cmp -s "$T/stdin.out" "$T/files.out" || fail "stdin: JSON differs from the same input as files"
head -c -1 "$D/v4.10-ikev2-delete-01.status" >"$T/nonl.status"
[ "$(tail -c 1 "$T/nonl.status" | od -An -c | tr -d ' ')" != '\n' ] || fail "nonl: fixture still ends in a newline"
run nonl --summary --status "$T/nonl.status" --traffic "$D/v4.10-ikev2-delete-01.traffic"
rc_is nonl 0
out_has nonl 'child_sas=1 child_established=1 unparsed=0 '
run nonl-json --json --status "$T/nonl.status" --traffic "$D/v4.10-ikev2-delete-01.traffic"
jq_is "$T/nonl-json.out" '.child_sas[0] | [.in_bytes, .bytes_exact]' '[84,true]'

# --- errors and usage ---------------------------------------------------------
lsw_log "errors"
run missing --json --status /nonexistent/status.txt
rc_is missing 1
err_has missing 'lswstat: /nonexistent/status.txt: No such file or directory'
[ -s "$T/missing.out" ] && fail "missing: printed output anyway"
run missing2 --status "$D/v4.10-ikev2-delete-01.status" --traffic /nonexistent/traffic.txt
rc_is missing2 1
err_has missing2 '/nonexistent/traffic.txt: No such file or directory'
run dir --status "$D"
rc_is dir 1
err_has dir 'Is a directory'
while read -r name args; do
  # shellcheck disable=SC2086
  run "usage-$name" $args
  rc_is "usage-$name" 2
  err_has "usage-$name" "Try 'lswstat --help'"
done <<EOF
both --json --summary --status $D/v4.10-ikev2-delete-01.status
unknown --frobnicate
noarg --status
extra --status $D/v4.10-ikev2-delete-01.status leftover
ctl-with-file --ctlsocket /run/pluto/pluto.ctl --status $D/v4.10-ikev2-delete-01.status
badtimeout --timeout soon
zerotimeout --timeout 0
relipsec --ipsec ipsec
maxneg --max-output -1 --status /dev/null
maxsuffix --max-output 256M --status /dev/null
maxbig --max-output 2147483649 --status /dev/null
EOF
run help --help
rc_is help 0
for w in --ipsec --ctlsocket --timeout --status --traffic --max-output --json --summary 'Exit status'; do
  grep -qF -- "$w" "$T/help.out" || fail "--help does not mention $w"
done
run version --version
rc_is version 0
out_has version '^lswstat [0-9]+\.[0-9]+\.[0-9]+$'

# --- a fake ipsec ---------------------------------------------------------------
lsw_log "fake ipsec"
CTL=$T/pluto.ctl
printf 'mode=ok\nfixture=v3.32-ikev2-delete-01\n' >"$CTL"
run fake --json --ipsec "$FAKE" --ctlsocket "$CTL"
rc_is fake 0
jq_is "$T/fake.out" '.child_sas | map([.serial, .ike_sa, .in_bytes, .bytes_exact])' '[[2,1,336,true]]'
jq_is "$T/fake.out" '.connections[0].state' '"up"'
grep '^argv:' "$CTL.log" >"$T/argv"
printf 'argv: whack --ctlsocket %s --status\nargv: whack --ctlsocket %s --trafficstatus\n' "$CTL" "$CTL" | cmp -s - "$T/argv" \
  || fail "fake: argv: $(cat "$T/argv")"
grep -q '^env: LC_ALL=C PATH=[^ ]* $' "$CTL.log" || fail "fake: environment: $(grep '^env' "$CTL.log")"

# No --ctlsocket: whack gets none.
run fake-default --summary --ipsec "$FAKE"
rc_is fake-default 0
out_has fake-default '^connections=1 up=1 .* child_established=1 unparsed=0 '

# pluto not running: whack's own message and exit code.
run notrunning --ipsec "$FAKE" --ctlsocket "$T/nonexistent.ctl"
rc_is notrunning 1
err_has notrunning "exited with status 33: whack: Pluto is not running (no \"$T/nonexistent.ctl\")"

echo 'mode=stderr-only' >"$CTL"
run stderronly --ipsec "$FAKE" --ctlsocket "$CTL"
rc_is stderronly 1
err_has stderronly 'printed only an error: whack: something went wrong'

echo 'mode=fail' >"$CTL"
run failing --ipsec "$FAKE" --ctlsocket "$CTL"
rc_is failing 1
err_has failing 'exited with status 3: whack: failed'

# More than --max-output from whack: an error, not a partial status.
printf 'mode=ok\nfixture=v4.10-ikev2-delete-01\n' >"$CTL"
run whack-max --ipsec "$FAKE" --ctlsocket "$CTL" --max-output 4096
rc_is whack-max 1
err_has whack-max 'whack --status: output larger than --max-output (4096 bytes)'

run noipsec --ipsec /nonexistent/sbin/ipsec
rc_is noipsec 1
err_has noipsec '/nonexistent/sbin/ipsec: No such file or directory'
run noexec --ipsec "$D/v4.10-ikev2-delete-01.status"
rc_is noexec 1
err_has noexec 'not executable'

# A hung ipsec, in whack --status and then in --trafficstatus: --timeout
# bounds the whole run, and the hung process group is gone afterwards.
for mode in hang hang-traffic; do
  lsw_log "fake ipsec: $mode"
  echo "mode=$mode" >"$CTL"
  rm -f "$CTL.pid"
  start=$EPOCHREALTIME
  run "$mode" --ipsec "$FAKE" --ctlsocket "$CTL" --timeout 1
  took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
  rc_is "$mode" 1
  err_has "$mode" 'timed out after'
  [ "$took" -lt 2500 ] || fail "$mode: took $took ms with --timeout 1"
  [ "$took" -ge 900 ] || fail "$mode: gave up after $took ms, before the timeout"
  [ -s "$CTL.pid" ] || fail "$mode: the fake never hung"
  pid=$(cat "$CTL.pid" 2>/dev/null)
  # Gone, or a zombie whose reaper is init (not ours to reap).
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    st=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
    [ "$st" = Z ] || [ -z "$st" ] || fail "$mode: the fake's sleep ($pid) survived, state $st"
  fi
done

# The kernel's SAs: a dump recorded in UML (tests/data/xfrm) beside another
# run's status: none of pluto's SAs in it; saved files never read the
# host's kernel by themselves (no "kernel" key).
A=$LSW_TOP/tests/data/agent
run xfrm --json --status "$A/uml-03-up.west.status.txt" --xfrm-file "$LSW_TOP/tests/data/xfrm/dump.bin"
rc_is xfrm 0
jq_is "$T/xfrm.out" '.kernel_sas' 11
jq_is "$T/xfrm.out" '[.child_sas[].kernel.state] | unique' '["missing"]'
jq_is "$T/xfrm.out" '.child_sas[0].kernel.in_packets' null
run xfrm-table --status "$A/uml-03-up.west.status.txt" --xfrm-file "$LSW_TOP/tests/data/xfrm/dump.bin"
out_has xfrm-table 'PKTS IN +PKTS OUT +ERRORS +KERNEL'
out_has xfrm-table 'esp f2202e6e/9c0d9e2f .* missing'
run nokernel --json --status "$A/uml-03-up.west.status.txt"
jq_is "$T/nokernel.out" '[has("kernel_sas"), (.child_sas[0] | has("kernel"))]' '[false,false]'
run xfrm-bad --json --status "$A/uml-03-up.west.status.txt" --xfrm-file "$A/uml-03-up.west.status.txt"
rc_is xfrm-bad 1
err_has xfrm-bad "the kernel's SAs:"
run kernel-word --kernel maybe --status "$A/uml-03-up.west.status.txt"
rc_is kernel-word 2
err_has kernel-word "--kernel: 'maybe' is not yes, no or auto"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all lswstat checks passed"
