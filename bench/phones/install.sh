#!/usr/bin/env bash
# Installs what bench/phones/run.sh needs from Debian's packages (as root):
#   baresip       baresip (SIP phone; modules aufile, sndfile, aubridge, g711)
#   linphone-cli  linphonec (SIP phone, liblinphone)
#   kamailio      the edge proxy of kamailio_path (modules tm, rr, path, ...)
#   sip-tester    sipp and /usr/share/sip-tester/g711a.pcap
#   openssl       the per-run test CA and server certificate
#   iproute2      ss;  util-linux: script (linphonec wants a terminal)
#   curl          ringd's /api/v1/registrations in the PASS lines
# Only what is missing is installed; nothing is started (the kamailio
# package's service is not used: run.sh runs its own in the foreground).
# Go is expected on the machine already (the build of ringd and ringbench).
set -euo pipefail

need=()
want() { # COMMAND-OR-FILE PACKAGE
	if [[ $1 == /* ]]; then [[ -e $1 ]] || need+=("$2"); else command -v "$1" >/dev/null || need+=("$2"); fi
}
want baresip baresip
want linphonec linphone-cli
want kamailio kamailio
want sipp sip-tester
want /usr/share/sip-tester/g711a.pcap sip-tester
want openssl openssl
want ss iproute2
want script util-linux
want curl curl
if ((${#need[@]} == 0)); then
	echo "bench/phones: everything is installed"
	exit 0
fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if ((EUID != 0)); then
	echo "bench/phones: missing ${need[*]}; run as root: apt-get update && apt-get install -y ${need[*]}" >&2
	exit 1
fi
echo "bench/phones: installing ${need[*]}"
apt-get update
# No service of these packages is to be started by the install (kamailio's
# would take 5060): a policy-rc.d saying so, for the install only, unless
# the machine has one of its own.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
