# tests/lib.sh - shared by the integration, e2e and fault scripts. Source it:
#
#   . "$(dirname "$0")/../lib.sh"
#   lsw_setup                       # temp dir $T, cleanup trap (kills by PID)
#   lsw_start_snmpd                 # private snmpd: $SNMPD_PORT, $AGENTX_SOCK, $TRAP_PORT
#   lsw_start_trapd                 # snmptrapd on $TRAP_PORT, output in $TRAP_LOG
#   lsw_start_agent --status-file F # our subagent on $AGENTX_SOCK (extra args passed)
#   lsw_wait_for 10 'snmpget ... | grep -q foo'
#   snmpget $SNMP_OPTS LIBRESWAN-STATUS-MIB::lsConnCount.0
#
# Exit 77 means skipped (tests/run-tests prints the last line of the log).
set -u

LSW_TOP=${LSW_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$LSW_TOP/build}
LSW_SHARED=${LSW_SHARED:-$(cd "$LSW_TOP/.." && pwd)/shared}
AGENTX_BIN=$BUILD/libreswan-agentx
LSWSTAT_BIN=$BUILD/lswstat

# net-snmp reads the directories in order and a module found again in a
# later one replaces the earlier copy. So: the IETF base modules we ship
# (mibs/ietf, Debian has none) first, where any system copy overrides them;
# the checkout's own MIB last, so an installed older LIBRESWAN-STATUS-MIB
# never shadows the one under test.
lsw_mibdirs() {
  local d dirs="$LSW_TOP/mibs/ietf"
  for d in /usr/share/snmp/mibs /usr/share/snmp/mibs/iana /usr/share/snmp/mibs/ietf \
           /usr/share/mibs/ietf /usr/share/mibs/iana /usr/share/mibs/netsnmp; do
    [ -d "$d" ] && dirs="$dirs:$d"
  done
  echo "$dirs:$LSW_TOP/mibs"
}
export MIBDIRS=$(lsw_mibdirs)
export MIBS=+LIBRESWAN-STATUS-MIB

# The value of one LIBRESWAN-STATUS-MIB object ("lsConnCount.0"), bare.
lsw_get() { snmpget $SNMP_OPTS -OqvU "LIBRESWAN-STATUS-MIB::$1"; }
# lsw_expect OBJECT VALUE: fail unless the object has exactly that value.
lsw_expect() {
  local got
  got=$(lsw_get "$1") || lsw_fail "snmpget $1 failed"
  [ "$got" = "$2" ] || lsw_fail "$1: got '$got', want '$2'"
  echo "ok $1 = $got"
}
# lsw_expect_none OBJECT: fail unless a GET finds no instance (a value
# that is not known is left out, never a sentinel).
lsw_expect_none() {
  local got
  got=$(snmpget $SNMP_OPTS -OqvU "LIBRESWAN-STATUS-MIB::$1" 2>&1)
  case $got in
  "No Such Instance"*) echo "ok $1 has no instance" ;;
  *) lsw_fail "$1: got '$got', want no instance" ;;
  esac
}

# lsw_conn_index NAME INSTANCE: the lsConnTable index, each string
# length-prefixed, one sub-identifier per character ("ab" "" -> 2.97.98.0).
lsw_conn_index() {
  local s=$1 i out
  out=${#s}
  for ((i = 0; i < ${#s}; i++)); do out+=.$(printf '%d' "'${s:i:1}"); done
  s=$2
  out+=.${#s}
  for ((i = 0; i < ${#s}; i++)); do out+=.$(printf '%d' "'${s:i:1}"); done
  echo "$out"
}

lsw_skip() { echo "SKIPPED: $*"; exit 77; }
lsw_fail() { echo "FAIL: $*" >&2; exit 1; }
lsw_log() { echo "# $(date +%H:%M:%S.%N | cut -c1-12) $*"; }

LSW_PIDS=()
lsw_cleanup() {
  local p
  for p in "${LSW_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${LSW_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if [ -n "${T:-}" ] && [ -d "$T" ] && [ -z "${LSW_KEEP:-}" ]; then rm -rf "$T"; fi
}

# Remember a PID started by the test; it is killed at exit.
lsw_track() { LSW_PIDS+=("$1"); }

lsw_setup() {
  T=$(mktemp -d "${TMPDIR:-/tmp}/lswtest.XXXXXX")
  chmod 755 "$T"
  trap lsw_cleanup EXIT
  trap 'exit 130' INT TERM
}

# A UDP port on 127.0.0.1 that nothing listens on now.
lsw_free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! ss -Hlun "sport = :$p" 2>/dev/null | grep -q .; then echo "$p"; return; fi
  done
}

# Wait up to $1 seconds for the command $2 (a string for eval) to succeed.
lsw_wait_for() {
  local secs=$1 cmd=$2 end
  end=$(( $(date +%s) + secs ))
  while [ "$(date +%s)" -le "$end" ]; do
    eval "$cmd" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

lsw_require() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || lsw_skip "$c not installed (make deps)"; done
}

# Private snmpd as AgentX master: UNIX socket in $T, UDP on loopback.
lsw_start_snmpd() {
  lsw_require snmpd snmpget
  SNMPD_PORT=${SNMPD_PORT:-$(lsw_free_port)}
  TRAP_PORT=${TRAP_PORT:-$(lsw_free_port)}
  AGENTX_SOCK=$T/agentx.sock
  mkdir -p "$T/persist"
  cat >"$T/snmpd.conf" <<EOF
master agentx
agentXSocket $AGENTX_SOCK
agentXPerms 0660 0770
agentXTimeout 1
agentXRetries 1
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:$TRAP_PORT public
EOF
  SNMPD_LOG=$T/snmpd.log
  SNMP_PERSISTENT_DIR=$T/persist MIBS= snmpd -f -Lf "$SNMPD_LOG" -C -c "$T/snmpd.conf" \
    -p "$T/snmpd.pid" "udp:127.0.0.1:$SNMPD_PORT" &
  SNMPD_PID=$!
  lsw_track "$SNMPD_PID"
  SNMP_OPTS="-v2c -c public -t 3 -r 1 127.0.0.1:$SNMPD_PORT"
  lsw_wait_for 10 "[ -S '$AGENTX_SOCK' ]" || { cat "$SNMPD_LOG"; lsw_fail "snmpd did not start"; }
  lsw_wait_for 10 "snmpget $SNMP_OPTS SNMPv2-MIB::sysUpTime.0" || { cat "$SNMPD_LOG"; lsw_fail "snmpd does not answer"; }
}

lsw_stop_snmpd() {
  kill "$SNMPD_PID" 2>/dev/null
  wait "$SNMPD_PID" 2>/dev/null
}

# snmptrapd printing numeric OIDs to $TRAP_LOG.
lsw_start_trapd() {
  lsw_require snmptrapd
  TRAP_PORT=${TRAP_PORT:-$(lsw_free_port)}
  TRAP_LOG=$T/traps.log
  : >"$TRAP_LOG"
  echo "disableAuthorization yes" >"$T/snmptrapd.conf"
  SNMP_PERSISTENT_DIR=$T/persist snmptrapd -f -Lf "$TRAP_LOG" -On -C -c "$T/snmptrapd.conf" \
    -p "$T/snmptrapd.pid" "udp:127.0.0.1:$TRAP_PORT" &
  TRAPD_PID=$!
  lsw_track "$TRAPD_PID"
  lsw_wait_for 10 "ss -Hlun 'sport = :$TRAP_PORT' | grep -q ." || lsw_fail "snmptrapd did not start"
}

# Our subagent, foreground, logging to $AGENT_LOG; extra args passed on.
lsw_start_agent() {
  [ -x "$AGENTX_BIN" ] || lsw_fail "$AGENTX_BIN not built"
  AGENT_LOG=$T/agent.log
  : >"$T/empty.conf"
  # --kernel-stats no: the agent under test reads a stand-in pluto (a
  # status file, a fake ipsec script), and the host's XFRM state has
  # nothing to do with it. A test of the kernel source says
  # --kernel-stats yes|auto after this (the last one wins);
  # LSW_AGENT_WRAP (e.g. "ip netns exec NS") runs the agent under it.
  ${LSW_AGENT_WRAP:-} "$AGENTX_BIN" -f -c "$T/empty.conf" -x "$AGENTX_SOCK" --kernel-stats no "$@" >>"$AGENT_LOG" 2>&1 &
  AGENT_PID=$!
  lsw_track "$AGENT_PID"
  # Registered when the MIB's scalars answer.
  lsw_wait_for 15 "snmpget $SNMP_OPTS -Oqv LIBRESWAN-STATUS-MIB::lsPollSuccesses.0 | grep -q '^[0-9]'" \
    || { cat "$AGENT_LOG"; lsw_fail "agent did not register"; }
}
