#!/usr/bin/env bash
# Fault: --status-file names something that cannot be read as a status:
# missing, a directory, a FIFO that no one ever writes, unreadable (only
# when not root). At start the agent either refuses with a message naming
# the path, or serves lsCollectorStatus failed(3) with the reason; it must
# never block on the FIFO. At run time (a good file replaced by each of
# them) the last good rows stay, stale(2), and lsLastError names the path.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../faults/faultlib.bash"
fault_setup
mkdir "$T/dir"
mkfifo "$T/fifo"
: >"$T/empty.conf"

# $1 path, $2 egrep pattern of the reason
at_start() {
  local path=$1 why=$2 pid rc
  "$AGENTX_BIN" -f -c "$T/empty.conf" -x "$AGENTX_SOCK" --status-file "$path" --interval 1 \
    >"$T/start.log" 2>&1 &
  pid=$!
  lsw_track "$pid"
  sleep 2
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"; rc=$?
    [ "$rc" -ne 0 ] || lsw_fail "$path: exited 0"
    grep -q "$path" "$T/start.log" || { cat "$T/start.log"; lsw_fail "start-up error does not name $path"; }
    grep -qiE "$why" "$T/start.log" || { cat "$T/start.log"; lsw_fail "start-up error does not say /$why/"; }
    lsw_log "$path: refused at start (exit $rc): $(head -n1 "$T/start.log")"
    return
  fi
  wait_scalar lsCollectorStatus 'v == 3' 5 || { cat "$T/start.log"; lsw_fail "$path: not failed(3) (blocked?)"; }
  get lsLastError | grep -q "$path" || lsw_fail "$path: lsLastError '$(get lsLastError)' does not name it"
  get lsLastError | grep -qiE "$why" || lsw_fail "$path: lsLastError '$(get lsLastError)' does not say /$why/"
  [ "$(get lsConnCount)" = 0 ] || lsw_fail "$path: rows without a good poll"
  lsw_log "$path: failed(3), lsLastError '$(get lsLastError)'"
  kill "$pid"; wait "$pid" 2>/dev/null
}
at_start "$T/missing.status" 'no such file'
at_start "$T/dir" 'directory'
at_start "$T/fifo" 'regular file|fifo|pipe'

# At run time: the file the agent reads becomes each of them in turn.
cp "$T/good.status" "$T/cur.status"
cp "$T/good.traffic" "$T/cur.traffic"
lsw_start_agent --status-file "$T/cur.status" --traffic-file "$T/cur.traffic" --interval 1
fault_baseline
n=0
for kind in missing dir fifo; do
  rm -rf "$T/cur.status"
  case $kind in
    missing) why='no such file' ;;
    dir) mkdir "$T/cur.status"; why='directory' ;;
    fifo) mkfifo "$T/cur.status"; why='regular file|fifo|pipe' ;;
  esac
  f0=$(get lsPollFailures)
  wait_scalar lsPollFailures "v >= $f0 + 2" 10 || lsw_fail "$kind: failures not counted (blocked?)"
  [ "$(get lsCollectorStatus)" = 2 ] || lsw_fail "$kind: lsCollectorStatus $(get lsCollectorStatus), want stale(2)"
  [ "$(rows lsConnOperStatus)" = $FAULT_CONNS ] || lsw_fail "$kind: rows lost"
  get lsLastError | grep -q "cur.status" || lsw_fail "$kind: lsLastError '$(get lsLastError)'"
  get lsLastError | grep -qiE "$why" || lsw_fail "$kind: lsLastError '$(get lsLastError)' does not say /$why/"
  lsw_log "run time, $kind: stale(2), rows kept, '$(get lsLastError)'"
  rm -rf "$T/cur.status"
  cp "$T/good.status" "$T/cur.status"
  wait_scalar lsCollectorStatus 'v == 1' 10 || lsw_fail "$kind: no recovery"
  n=$((n + 1))
done
if [ "$(id -u)" != 0 ]; then
  chmod 000 "$T/cur.status"
  wait_scalar lsCollectorStatus 'v == 2' 10 || lsw_fail "unreadable: not stale"
  get lsLastError | grep -qi 'permission denied' || lsw_fail "unreadable: lsLastError '$(get lsLastError)'"
  chmod 644 "$T/cur.status"
else
  lsw_log "unreadable file not tested: root reads it anyway"
fi
echo "PASS"
