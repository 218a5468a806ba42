#!/usr/bin/env bash
# agent-sparse: a column without a value in some rows (a value that is not
# known has no instance) is walked row by row. snmpwalk and snmpbulkwalk of
# each table through a real snmpd return exactly the instances that a GET
# of every (column, row) finds, in order; and the data has holes followed
# by values in the same column, the case GETNEXT used to skip (it moved on
# to the next column's first row).
. "$(dirname "$0")/../lib.sh"
lsw_require snmpd snmpwalk snmpbulkwalk snmpget
[ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
export MIBS=LIBRESWAN-STATUS-MIB
lsw_setup
D=$LSW_TOP/tests/data/agent
LS=.1.3.6.1.4.1.41286.1.1
# Two real plutos' output in one status: 4.10 (state names: roles, DPD)
# and 5.4 (prose: no role), so SA columns have values in some rows only.
cat "$D/ns-03-up.west.status.txt" "$D/v4.10-ikev2-41-rw-replace__road__2.status.txt" >"$T/status.txt"
lsw_start_snmpd
lsw_start_agent --status-file "$T/status.txt" --traffic-file "$D/ns-03-up.west.trafficstatus.txt" --interval 1
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "no snapshot"
# Then a rekey and a pluto that goes away and back: lsEventTable rows of
# SA, connection and collector events (each has other columns).
cat "$D/ns-04-rekeyed.west.status.txt" "$D/v4.10-ikev2-41-rw-replace__road__2.status.txt" >"$T/status.new"
mv "$T/status.new" "$T/status.txt"
lsw_wait_for 10 "[ \"\$(lsw_get lsEventLastIndex.0)\" != 0 ]" || lsw_fail "no events"
echo garbage >"$T/status.txt"
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = stale ]" || lsw_fail "not stale"
cat "$D/ns-03-up.west.status.txt" >"$T/status.new"
mv "$T/status.new" "$T/status.txt"
lsw_wait_for 10 "[ \"\$(lsw_get lsCollectorStatus.0)\" = ok ]" || lsw_fail "not ok again"

holes_total=0
# check TABLE ENTRY_OID MINCOL MAXCOL DENSE_COL
check() {
  local name=$1 entry=$2 min=$3 max=$4 dense=$5 rows c r oids=() got_walk got_bulk want holes=0
  # The rows: every row has the dense column.
  rows=$(snmpwalk $SNMP_OPTS -On "$entry.$dense" | sed -n "s/^$entry\.$dense\.\([0-9.]*\) = .*/\1/p")
  [ -n "$rows" ] || lsw_fail "$name: no rows"
  for ((c = min; c <= max; c++)); do
    for r in $rows; do oids+=("$entry.$c.$r"); done
  done
  # GET every instance, 20 per request; keep those with a value.
  want=$(for ((i = 0; i < ${#oids[@]}; i += 20)); do
    snmpget $SNMP_OPTS -On "${oids[@]:i:20}"
  done | grep -v '= No Such Instance' | sed 's/ = .*//')
  got_walk=$(snmpwalk $SNMP_OPTS -On "$entry" | sed 's/ = .*//')
  got_bulk=$(snmpbulkwalk $SNMP_OPTS -On -Cr7 "$entry" | sed 's/ = .*//')
  [ "$got_walk" = "$want" ] || { diff <(echo "$want") <(echo "$got_walk") | head -20; lsw_fail "$name: snmpwalk differs from the GETs"; }
  [ "$got_bulk" = "$want" ] || { diff <(echo "$want") <(echo "$got_bulk") | head -20; lsw_fail "$name: snmpbulkwalk differs from the GETs"; }
  # Holes followed by a value in the same column (rows in order).
  for ((c = min; c <= max; c++)); do
    local seen_hole=0
    for r in $rows; do
      if grep -qxF "$entry.$c.$r" <<<"$want"; then
        [ $seen_hole = 1 ] && { holes=$((holes + 1)); break; }
      else
        seen_hole=1
      fi
    done
  done
  echo "ok $name: $(wc -l <<<"$want") instances walked = GETs, $holes columns with a hole before a value"
  holes_total=$((holes_total + holes))
}
check lsConnTable $LS.2.1 3 40 3
check lsIkeSaTable $LS.3.1 2 17 2
check lsIpsecSaTable $LS.4.1 2 35 2
check lsEventTable $LS.5.2.1 2 21 2
[ "$holes_total" -gt 0 ] || lsw_fail "no sparse column with a later value: the test has no teeth"
echo PASS
