# tests/e2e/lib-e2e.sh - what the e2e tiers compare: libreswan's own
# `ipsec whack` output, read independently of our parser, against the rows
# and notifications our agent serves. Sourced after lib.sh and lib-ns.sh.
#
# A "projection" is a sorted list of lines that must agree between whack
# and SNMP; it leaves out what changes every second (timers):
#   conn NAME INST OPERSTATUS
#   ike SERIAL NAME INST STATENAME PEERHEX
#   ipsec SERIAL PARENT NAME INST STATENAME
# INST is "-" for a connection that is not an instance; PEERHEX is the
# peer's address as the uppercase hex octets snmpwalk prints.

LS=.1.3.6.1.4.1.41286.1
# Only our module (and what it imports): the tools stay quiet about the
# IETF modules Debian does not ship.
export MIBS=LIBRESWAN-STATUS-MIB

E2E_FAILS=0
e2e_fail() {
	echo "FAIL: $*" >&2
	E2E_FAILS=$((E2E_FAILS + 1))
}

# ---- IP address to hex octets ----------------------------------------------
e2e_ip2hex() {
	local a=$1 out="" i h head tail n parts=()
	case $a in
	*:*)
		# Expand "::" to the missing zero groups, then print 16 octets.
		if [[ $a == *::* ]]; then
			head=${a%%::*} tail=${a#*::}
			local hn=0 tn=0
			[ -n "$head" ] && hn=$(($(tr -cd : <<<"$head" | wc -c) + 1))
			[ -n "$tail" ] && tn=$(($(tr -cd : <<<"$tail" | wc -c) + 1))
			n=$((8 - hn - tn))
			a=$head
			for ((i = 0; i < n; i++)); do a="${a:+$a:}0"; done
			[ -n "$tail" ] && a="$a:$tail"
		fi
		IFS=: read -r -a parts <<<"$a"
		for h in "${parts[@]}"; do
			h=$(printf '%04X' "0x$h")
			out="$out${h:0:2} ${h:2:2} "
		done
		;;
	*)
		IFS=. read -r -a parts <<<"$a"
		for h in "${parts[@]}"; do out="$out$(printf '%02X' "$h") "; done
		;;
	esac
	echo "${out% }"
}

# ---- state classification from the corpus's state table ---------------------
# STATES-by-version.tsv (../shared/corpus) lists every state of 4.10 with
# whether it is an IKE SA or a Child SA and whether it is established.
declare -A E2E_STATE_SA E2E_STATE_UP
e2e_load_states() {
	local f=$LSW_SHARED/corpus/STATES-by-version.tsv tag ike tok story cat sa est
	[ -f "$f" ] || lsw_fail "$f missing (the state table of the corpus)"
	while IFS=$'\t' read -r tag ike tok story cat sa est; do
		[ "$tag" = "v$LSW_PLUTO_VERSION" ] || continue
		E2E_STATE_SA[$tok]=$sa
		E2E_STATE_UP[$tok]=$est
	done <"$f"
	[ ${#E2E_STATE_SA[@]} -gt 0 ] || lsw_fail "no states of v$LSW_PLUTO_VERSION in $f"
}

# ---- whack side ----------------------------------------------------------------
# e2e_whack_projection STATUSFILE: the projection of one `whack --status`.
e2e_whack_projection() {
	local f=$1 line name inst peer serial rest tok parent
	declare -A peer_of has_sa has_up
	local conns=()
	# Connection list: the first line of each connection has "...PEER".
	local re_conn='^000 "([^"]+)"((\[[0-9]+\])*): [^ ].*\.\.\.([^];=[]+).*; [a-z ]+; eroute owner'
	local re_state='^000 #([0-9]+): "([^"]+)"((\[[0-9]+\])*)( [^ ]+)?:[0-9]+(\(tcp\))? (STATE_[A-Z0-9_]+) (.*)$'
	while IFS= read -r line; do
		[[ $line =~ $re_conn ]] || continue
		name=${BASH_REMATCH[1]} inst=${BASH_REMATCH[2]:--} peer=${BASH_REMATCH[4]}
		peer_of["$name $inst"]=$peer
		conns+=("$name $inst")
	done <"$f"
	# State lines, in the "#N: "NAME"INST[ PEER]:PORT STATE_..." form of 4.x.
	# (Each appears twice in --status, once in the state list and once in
	# the list after the shunts; sort -u merges them.)
	while IFS= read -r line; do
		[[ $line =~ $re_state ]] || continue
		serial=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]} inst=${BASH_REMATCH[3]:--}
		tok=${BASH_REMATCH[7]} rest=${BASH_REMATCH[8]}
		has_sa["$name $inst"]=1
		case ${E2E_STATE_SA[$tok]:-?} in
		IKE)
			echo "ike $serial $name $inst $tok $(e2e_ip2hex "${peer_of["$name $inst"]:-0.0.0.0}")"
			;;
		Child)
			parent=0
			[[ $rest =~ (IKE|ISAKMP)\ SA\ \#([0-9]+)\; ]] && parent=${BASH_REMATCH[2]}
			echo "ipsec $serial $parent $name $inst $tok"
			[ "${E2E_STATE_UP[$tok]}" = yes ] && has_up["$name $inst"]=1
			;;
		*) echo "unknown-state $serial $name $tok" ;;
		esac
	done <"$f"
	for name in "${conns[@]}"; do
		if [ -n "${has_up[$name]:-}" ]; then
			echo "conn $name up"
		elif [ -n "${has_sa[$name]:-}" ]; then
			echo "conn $name connecting"
		else
			echo "conn $name down"
		fi
	done
}

# ---- SNMP side -------------------------------------------------------------------
# e2e_col NAME: "INDEX VALUE" lines of one column (INDEX without the column OID).
e2e_col() {
	local base
	base=$(snmptranslate -On "LIBRESWAN-STATUS-MIB::$1") || return 1
	snmpwalk $SNMP_OPTS -On -Oq "LIBRESWAN-STATUS-MIB::$1" 2>/dev/null |
		awk -v b="$base." 'index($0, b) == 1 { s = substr($0, length(b) + 1); print s }'
}

# Decode a numeric lsConnTable index (len.chars.len.chars) into "NAME INST".
e2e_conn_index_decode() {
	awk '{
		n = split($1, o, ".");
		i = 1; name = ""; inst = "";
		l = o[i++]; for (k = 0; k < l; k++) name = name sprintf("%c", o[i++]);
		l = o[i++]; for (k = 0; k < l; k++) inst = inst sprintf("%c", o[i++]);
		if (inst == "") inst = "-";
		$1 = ""; sub(/^ /, "");
		print name, inst, $0;
	}'
}

e2e_snmp_projection() {
	local d=$T/proj
	mkdir -p "$d"
	e2e_col lsConnOperStatus | e2e_conn_index_decode | sed 's/^/conn /'
	e2e_col lsIkeSaConnName >"$d/ike.name"
	e2e_col lsIkeSaConnInstance >"$d/ike.inst"
	e2e_col lsIkeSaStateName >"$d/ike.state"
	e2e_col lsIkeSaPeerAddr >"$d/ike.peer"
	e2e_col lsIpsecSaIkeSa >"$d/ipsec.parent"
	e2e_col lsIpsecSaConnName >"$d/ipsec.name"
	e2e_col lsIpsecSaConnInstance >"$d/ipsec.inst"
	e2e_col lsIpsecSaStateName >"$d/ipsec.state"
	awk -v d="$d" 'BEGIN {
		while ((getline l < (d "/ike.name")) > 0) { split(l, a, " "); name[a[1]] = a[2]; ids[a[1]] = 1 }
		while ((getline l < (d "/ike.inst")) > 0) { split(l, a, " "); inst[a[1]] = a[2] }
		while ((getline l < (d "/ike.state")) > 0) { split(l, a, " "); st[a[1]] = a[2] }
		while ((getline l < (d "/ike.peer")) > 0) { i = l; sub(/ .*/, "", i); p = substr(l, length(i) + 2); gsub(/"/, "", p); sub(/ +$/, "", p); peer[i] = p }
		for (s in ids) printf "ike %s %s %s %s %s\n", s, name[s], (inst[s] == "" ? "-" : inst[s]), st[s], peer[s];
	}'
	awk -v d="$d" 'BEGIN {
		while ((getline l < (d "/ipsec.name")) > 0) { split(l, a, " "); name[a[1]] = a[2]; ids[a[1]] = 1 }
		while ((getline l < (d "/ipsec.inst")) > 0) { split(l, a, " "); inst[a[1]] = a[2] }
		while ((getline l < (d "/ipsec.state")) > 0) { split(l, a, " "); st[a[1]] = a[2] }
		while ((getline l < (d "/ipsec.parent")) > 0) { split(l, a, " "); par[a[1]] = a[2] }
		for (s in ids) printf "ipsec %s %s %s %s %s\n", s, par[s], name[s], (inst[s] == "" ? "-" : inst[s]), st[s];
	}'
}

e2e_get() { snmpget $SNMP_OPTS -Oqv "LIBRESWAN-STATUS-MIB::$1" 2>/dev/null; }

# Wait until the agent has finished N more successful polls than now.
e2e_wait_polls() {
	local n=${1:-2} now
	now=$(e2e_get lsPollSuccesses.0)
	[[ $now =~ ^[0-9]+$ ]] || now=0
	lsw_wait_for 15 "[ \"\$(e2e_get lsPollSuccesses.0)\" -ge $((now + n)) ]"
}

# e2e_compare SIDE LABEL: whack and SNMP agree, at a moment when whack
# shows the same projection before and after the agent's polls. Retries
# while pluto is still changing (a negotiation in flight); fails with the
# diff after a deadline.
e2e_compare() {
	local side=$1 label=$2 end tries=0
	end=$(($(date +%s) + 30))
	while :; do
		tries=$((tries + 1))
		lsw_whack "$side" --status >"$T/status.1" 2>&1
		e2e_whack_projection "$T/status.1" | sort -u >"$T/proj.whack1"
		e2e_wait_polls 2 || { e2e_fail "$label: the agent does not poll"; return 1; }
		e2e_snmp_projection | sort -u >"$T/proj.snmp"
		lsw_whack "$side" --status >"$T/status.2" 2>&1
		e2e_whack_projection "$T/status.2" | sort -u >"$T/proj.whack2"
		if cmp -s "$T/proj.whack1" "$T/proj.whack2"; then
			if cmp -s "$T/proj.whack1" "$T/proj.snmp"; then
				lsw_log "$label: SNMP matches whack --status ($(wc -l <"$T/proj.snmp") rows, try $tries)"
				sed 's/^/#   /' "$T/proj.snmp"
				return 0
			fi
		fi
		if [ "$(date +%s)" -ge "$end" ]; then
			e2e_fail "$label: SNMP rows differ from whack --status (< whack, > snmp):"
			diff "$T/proj.whack2" "$T/proj.snmp" >&2
			return 1
		fi
		sleep 0.5
	done
}

# ---- notifications ------------------------------------------------------------
# snmptrapd -On: one line of tab-separated varbinds per notification; ours
# are those whose snmpTrapOID is under lsNotifications (snmpd's own
# coldStart/nsNotifyShutdown are left out).
E2E_TRAPOID=.1.3.6.1.6.3.1.1.4.1.0
declare -A E2E_TRAP_TYPE=([1]=lsConnUp [2]=lsConnDown [3]=lsIkeSaEstablished [4]=lsIkeSaDeleted
	[5]=lsIpsecSaEstablished [6]=lsIpsecSaDeleted [7]=lsSaStateChanged [8]=lsCollectorFailed
	[9]=lsCollectorRecovered [11]=lsIkeSaRekeyed [12]=lsIpsecSaRekeyed)
e2e_traps() { grep -F "$E2E_TRAPOID = OID: $LS.0." "$TRAP_LOG"; }
e2e_trap_mark() { e2e_traps | wc -l; }
# e2e_traps_since MARK [CONN]: our traps after MARK, only those about CONN.
e2e_traps_since() {
	local tab=$'\t'
	if [ -n "${2:-}" ]; then
		e2e_traps | tail -n +$(($1 + 1)) | grep -E "= STRING: $2($tab|\$)"
	else
		e2e_traps | tail -n +$(($1 + 1))
	fi
}
# The trap type numbers (last sub-identifier of snmpTrapOID), space separated.
e2e_trap_types() {
	sed -E "s/.*${E2E_TRAPOID//./\\.} = OID: ${LS//./\\.}\\.0\\.([0-9]+).*/\\1/" | tr '\n' ' ' | sed 's/ $//'
}
e2e_trap_names() {
	local t out=""
	for t in $(e2e_trap_types); do out="$out ${E2E_TRAP_TYPE[$t]:-type$t}"; done
	echo "${out# }"
}

# e2e_expect_traps LABEL MARK CONN "TYPES" [SECS]: wait until the traps
# about CONN since MARK contain each of TYPES (numbers, any order); then
# one more poll, and no other trap type about CONN may have come.
# Prints the latency from the mark's time ($E2E_T0) to the last one seen.
e2e_expect_traps() {
	local label=$1 mark=$2 conn=$3 want=$4 secs=${5:-15} t got ok end ms
	end=$(($(date +%s) + secs))
	while :; do
		got=" $(e2e_traps_since "$mark" "$conn" | e2e_trap_types) "
		ok=1
		for t in $want; do [[ $got == *" $t "* ]] || ok=0; done
		[ $ok = 1 ] && break
		if [ "$(date +%s)" -ge "$end" ]; then
			e2e_fail "$label: waited ${secs}s for [$want] about $conn, got [${got# }]"
			return 1
		fi
		sleep 0.1
	done
	ms=$(awk -v a="$E2E_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
	e2e_wait_polls 1
	got=$(e2e_traps_since "$mark" "$conn" | e2e_trap_types)
	for t in $got; do
		[[ " $want " == *" $t "* ]] || e2e_fail "$label: unexpected ${E2E_TRAP_TYPE[$t]:-type $t} about $conn"
	done
	lsw_log "$label: [$(e2e_traps_since "$mark" "$conn" | e2e_trap_names)] about $conn after ${ms} ms"
	E2E_LATENCIES+=("$label=${ms}ms")
}
E2E_LATENCIES=()

# e2e_trap_has MARK CONN TYPE "VARBIND-TEXT"...: the trap of TYPE about CONN
# since MARK carries these texts (e.g. "= STRING: STATE_V2_ESTABLISHED_IKE_SA").
e2e_trap_has() {
	local mark=$1 conn=$2 type=$3 line vb
	shift 3
	line=$(e2e_traps_since "$mark" "$conn" | grep -F "$E2E_TRAPOID = OID: $LS.0.$type"$'\t' | head -n1)
	[ -n "$line" ] || { e2e_fail "no ${E2E_TRAP_TYPE[$type]} about $conn"; return 1; }
	for vb in "$@"; do
		[[ $line == *"$vb"* ]] || e2e_fail "${E2E_TRAP_TYPE[$type]} about $conn lacks '$vb': $line"
	done
}

e2e_now_mark() {
	E2E_T0=$EPOCHREALTIME
	E2E_MARK=$(e2e_trap_mark)
}
