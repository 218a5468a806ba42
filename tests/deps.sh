#!/bin/sh
# tests/deps.sh - `make deps`: install the Debian packages the project needs
# (a no-op when they are there). DEB_PKGS are installed as usual; the NMS
# programs of DEB_PKGS_NMS with a policy-rc.d that keeps their services
# from starting (prometheus would start a server on port 9090), unless the
# machine already has a policy-rc.d of its own.
set -eu
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || printf ' %s' "$p"
	done
}
base=$(missing $DEB_PKGS)
nms=$(missing ${DEB_PKGS_NMS:-})
if [ -z "$base$nms" ]; then
	echo "deps: all present"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
if [ -n "$base" ]; then
	echo "installing:$base"
	# shellcheck disable=SC2086
	apt-get install -y --no-install-recommends $base
fi
if [ -n "$nms" ]; then
	echo "installing (services not started):$nms"
	policy=/usr/sbin/policy-rc.d
	ours=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# make deps (libreswan-agentx): no service starts\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		ours=1
	fi
	rc=0
	# shellcheck disable=SC2086
	apt-get install -y --no-install-recommends $nms || rc=$?
	[ -z "$ours" ] || rm -f "$policy"
	exit $rc
fi
