# tests/e2e/lib-e2e.sh - what the e2e tiers compare: libreswan's own
# `ipsec whack` output, read independently of our parser, against the rows
# and notifications our agent serves. Sourced after lib.sh and lib-ns.sh.
#
# A "projection" is a sorted list of lines that must agree between whack
# and SNMP; it leaves out what changes every second (timers):
#   conn NAME INST OPERSTATUS
#   ike SERIAL NAME INST STATENAME PEERHEX
#   ipsec SERIAL PARENT NAME INST STATENAME
#   spi SERIAL in=ESPSPI out=ESPSPI       (decimal; SAs that have SPIs)
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
# e2e_ip2hex ADDR: sets E2E_HEX (no subshell: forks are dear inside UML).
declare -A E2E_HEX_CACHE
e2e_ip2hex() {
	local a=$1 out="" i h head tail hn=0 tn=0 n parts=()
	if [ -n "${E2E_HEX_CACHE[$a]:-}" ]; then
		E2E_HEX=${E2E_HEX_CACHE[$a]}
		return
	fi
	case $a in
	*:*)
		# Expand "::" to the missing zero groups, then print 16 octets.
		if [[ $a == *::* ]]; then
			head=${a%%::*} tail=${a#*::}
			[ -n "$head" ] && { h=${head//[^:]/}; hn=$((${#h} + 1)); }
			[ -n "$tail" ] && { h=${tail//[^:]/}; tn=$((${#h} + 1)); }
			n=$((8 - hn - tn))
			a=$head
			for ((i = 0; i < n; i++)); do a="${a:+$a:}0"; done
			[ -n "$tail" ] && a="$a:$tail"
		fi
		IFS=: read -r -a parts <<<"$a"
		for h in "${parts[@]}"; do
			printf -v h '%04X' "0x$h"
			out="$out${h:0:2} ${h:2:2} "
		done
		;;
	*)
		IFS=. read -r -a parts <<<"$a"
		for h in "${parts[@]}"; do
			printf -v h '%02X' "$h"
			out="$out$h "
		done
		;;
	esac
	E2E_HEX=${out% }
	E2E_HEX_CACHE[$1]=$E2E_HEX
}

# ---- state classification from the corpus's state table ---------------------
# STATES-by-version.tsv (../shared/corpus) lists every state of every
# release with whether it is an IKE SA or a Child SA and whether it is
# established; tests/data/real/states-v4.10.tsv is its 4.10 part (Debian
# 12's libreswan), for a checkout without ../shared.
declare -A E2E_STATE_SA E2E_STATE_UP
e2e_load_states() {
	local f=$LSW_SHARED/corpus/STATES-by-version.tsv tag ike tok story cat sa est
	[ -f "$f" ] || f=$LSW_TOP/tests/data/real/states-v4.10.tsv
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
	# The SA lines of Child SAs: "#N: "NAME"INST[ PEER] esp.SPI@DST esp.SPI@DST ..."
	# (esp: and tun: for IPv6; SPIs in hex, without leading zeros). The
	# SPI sent to the peer is the outbound one.
	local re_said='^000 #([0-9]+): "([^"]+)"((\[[0-9]+\])*)( [^ ]+)? esp[.:]([0-9a-f]+)@([^ ]+) esp[.:]([0-9a-f]+)@([^ ]+) '
	while IFS= read -r line; do
		[[ $line =~ $re_said ]] || continue
		serial=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]} inst=${BASH_REMATCH[3]:--}
		peer=${peer_of["$name $inst"]:-}
		if [ "${BASH_REMATCH[7]}" = "$peer" ]; then
			echo "spi $serial in=$((16#${BASH_REMATCH[8]})) out=$((16#${BASH_REMATCH[6]}))"
		else
			echo "spi $serial in=$((16#${BASH_REMATCH[6]})) out=$((16#${BASH_REMATCH[8]}))"
		fi
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
			e2e_ip2hex "${peer_of["$name $inst"]:-0.0.0.0}"
			echo "ike $serial $name $inst $tok $E2E_HEX"
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
	# A template (printed with instances, or a %any / opportunistic peer)
	# with no SA of its own is notApplicable(4), not a tunnel that is down.
	local templ=" ${conns[*]} "
	for name in "${conns[@]}"; do
		if [ -n "${has_up[$name]:-}" ]; then
			echo "conn $name up"
		elif [ -n "${has_sa[$name]:-}" ]; then
			echo "conn $name connecting"
		elif [ "${name##* }" = - ] && { [[ $templ == *" ${name% -} ["* ]] ||
			[[ ${peer_of[$name]:-} == %any* || ${peer_of[$name]:-} == %opportunistic* ]]; }; then
			echo "conn $name notApplicable"
		else
			echo "conn $name down"
		fi
	done
}

# ---- SNMP side -------------------------------------------------------------------
# Inside UML a process costs ~35 ms and an SNMP tool that parses the MIB
# ~0.9 s (0.23 s without): the MIB is read once here, by one snmptranslate,
# and every later query is numeric, with no MIB (-m '').
E2E_COLS="lsConnOperStatus lsIkeSaConnName lsIkeSaConnInstance lsIkeSaStateName lsIkeSaPeerAddr
	lsIpsecSaIkeSa lsIpsecSaConnName lsIpsecSaConnInstance lsIpsecSaStateName lsConnTable lsIkeSaTable lsIpsecSaTable
	lsPollSuccesses lsPollFailures lsCollectorStatus lsConnCount lsPlutoVersion lsPlutoIkeSaTotal lsLastError
	lsIpsecSaInOctets lsIpsecSaOutOctets lsConnInOctets lsConnOutOctets lsIpsecSaEspSpiIn lsIpsecSaEspSpiOut
	lsIpsecSaInPkts lsIpsecSaOutPkts lsConnInPkts lsConnOutPkts lsIpsecSaKernelState lsKernelStatus
	lsKernelSaMissing lsIkeV2Failed lsIkeStatStatus"
declare -A E2E_OID
# The numeric OIDs of the columns, from the MIB, with one snmptranslate.
e2e_init_oids() {
	local c oids=() o
	for c in $E2E_COLS; do oids+=("LIBRESWAN-STATUS-MIB::$c"); done
	set -- $E2E_COLS
	while IFS= read -r o; do
		[ -n "$o" ] || continue
		E2E_OID[$1]=$o
		shift
	done < <(snmptranslate -On "${oids[@]}")
	[ -n "${E2E_OID[lsIpsecSaTable]:-}" ] || lsw_fail "snmptranslate does not know our MIB's columns"
}

# One bulk walk per table (processes are dear inside UML), one awk.
e2e_snmp_projection() {
	local t
	for t in lsConnTable lsIkeSaTable lsIpsecSaTable; do
		snmpbulkwalk -m '' $SNMP_OPTS -On -Oq "${E2E_OID[$t]}" 2>/dev/null
	done | awk -v cop="${E2E_OID[lsConnOperStatus]}." \
		-v ikn="${E2E_OID[lsIkeSaConnName]}." -v iki="${E2E_OID[lsIkeSaConnInstance]}." \
		-v iks="${E2E_OID[lsIkeSaStateName]}." -v ikp="${E2E_OID[lsIkeSaPeerAddr]}." \
		-v ipp="${E2E_OID[lsIpsecSaIkeSa]}." -v ipn="${E2E_OID[lsIpsecSaConnName]}." \
		-v ipi="${E2E_OID[lsIpsecSaConnInstance]}." -v ips="${E2E_OID[lsIpsecSaStateName]}." \
		-v spii="${E2E_OID[lsIpsecSaEspSpiIn]}." -v spio="${E2E_OID[lsIpsecSaEspSpiOut]}." '
	function val(line, oid) { v = substr(line, length(oid) + 1); return v }
	function take(prefix, arr,    idx, v) {
		if (index($0, prefix) != 1) return 0
		idx = substr($1, length(prefix) + 1)
		v = substr($0, length($1) + 2)
		gsub(/"/, "", v); sub(/ +$/, "", v)
		arr[idx] = v
		return 1
	}
	{
		if (take(cop, connop)) next
		if (take(ikn, ikename)) { ike[substr($1, length(ikn) + 1)] = 1; next }
		if (take(iki, ikeinst)) next
		if (take(iks, ikestate)) next
		if (take(ikp, ikepeer)) next
		if (take(ipp, ippar)) next
		if (take(ipn, ipname)) { ips_[substr($1, length(ipn) + 1)] = 1; next }
		if (take(ipi, ipinst)) next
		if (take(ips, ipstate)) next
		if (take(spii, spiin)) next
		if (take(spio, spiout)) next
	}
	END {
		split("down connecting up notApplicable unknown", opname, " ")
		for (i in connop) {
			n = split(i, o, ".")
			k = 1; name = ""; inst = ""
			l = o[k++]; for (j = 0; j < l; j++) name = name sprintf("%c", o[k++])
			l = o[k++]; for (j = 0; j < l; j++) inst = inst sprintf("%c", o[k++])
			printf "conn %s %s %s\n", name, (inst == "" ? "-" : inst), opname[connop[i]]
		}
		for (s in ike)
			printf "ike %s %s %s %s %s\n", s, ikename[s], (ikeinst[s] == "" ? "-" : ikeinst[s]), ikestate[s], ikepeer[s]
		for (s in ips_)
			printf "ipsec %s %s %s %s %s\n", s, ippar[s], ipname[s], (ipinst[s] == "" ? "-" : ipinst[s]), ipstate[s]
		for (s in ips_)
			if (spiin[s] + spiout[s] > 0)
				printf "spi %s in=%s out=%s\n", s, spiin[s], spiout[s]
	}'
}

# e2e_get NAME.INDEX: the value, numeric (enumerations as numbers), a
# string without its quotes.
e2e_get() {
	local v oid=${E2E_OID[${1%%.*}]:?unknown column ${1%%.*}}
	v=$(snmpget -m '' $SNMP_OPTS -Oqv "$oid.${1#*.}" 2>/dev/null)
	v=${v#\"}
	echo "${v%\"}"
}

# Wait until the agent has finished N more successful polls than now.
e2e_wait_polls() {
	local n=${1:-2} now
	now=$(e2e_get lsPollSuccesses.0)
	[[ $now =~ ^[0-9]+$ ]] || now=0
	lsw_ns_wait_for 15 "[ \"\$(e2e_get lsPollSuccesses.0)\" -ge $((now + n)) ]"
}

# e2e_compare SIDE LABEL: whack and SNMP agree, at a moment when whack
# shows the same projection before and after the agent's polls. Retries
# while pluto is still changing (a negotiation in flight); fails with the
# diff after a deadline.
e2e_compare() {
	local side=$1 label=$2 end tries=0
	end=$(($(date +%s) + 30 * LSW_NS_SLOW))
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
		sleep $LSW_NS_PAUSE
	done
}

# ---- notifications ------------------------------------------------------------
# snmptrapd -On: one line of tab-separated varbinds per notification; ours
# are those whose snmpTrapOID is under lsNotifications (snmpd's own
# coldStart/nsNotifyShutdown are left out).
E2E_TRAPOID=.1.3.6.1.6.3.1.1.4.1.0
declare -A E2E_TRAP_TYPE=([1]=lsConnUp [2]=lsConnDown [3]=lsIkeSaEstablished [4]=lsIkeSaDeleted
	[5]=lsIpsecSaEstablished [6]=lsIpsecSaDeleted [7]=lsSaStateChanged [8]=lsCollectorFailed
	[9]=lsCollectorRecovered [11]=lsIkeSaRekeyed [12]=lsIpsecSaRekeyed
	[13]=lsIpsecSaMissingInKernel [14]=lsKernelSaNotInPluto [15]=lsIkeFailuresRising)
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

# e2e_expect_traps LABEL MARK CONN "TYPES" ["MAY"]: wait until the traps
# about CONN since MARK contain each of TYPES (numbers, any order); then
# one more poll, and no other trap type about CONN may have come except
# those in MAY and lsSaStateChanged. Prints the latency from the mark's
# time ($E2E_T0) to the moment all were there.
e2e_expect_traps() {
	local label=$1 mark=$2 conn=$3 want=$4 may=${5:-} secs=$((${E2E_TRAP_WAIT:-15} * LSW_NS_SLOW)) t got ok end ms
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
		sleep $LSW_NS_PAUSE
	done
	ms=$(awk -v a="$E2E_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
	e2e_wait_polls 1
	got=$(e2e_traps_since "$mark" "$conn" | e2e_trap_types)
	for t in $got; do
		# lsSaStateChanged (--traps all) may come with any negotiation.
		[ "$t" = 7 ] && continue
		[[ " $want $may " == *" $t "* ]] || e2e_fail "$label: unexpected ${E2E_TRAP_TYPE[$t]:-type $t} about $conn"
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
