#!/usr/bin/env bash
# Installs what bench/nat/run.sh needs and is missing, from Debian's packages
# (we are root): ip (iproute2), iptables (the router namespace's MASQUERADE),
# sysctl (procps), baresip (the phone behind the NAT), sipp (sip-tester: the
# caller), chromium (the WebSocket phone: JsSIP in headless Chromium) and
# node/npm (drive Chromium; fetch jssip and puppeteer-core from npm at run
# time, never a browser build). Go is expected to be there already (the repo
# builds ringd with it).
set -euo pipefail

want=()
need() { # COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || want+=("$2")
}
need ip iproute2
need ss iproute2
need iptables iptables
need sysctl procps
need baresip baresip
need sipp sip-tester
need chromium chromium
need node nodejs
# nodejs from another source may bring npm along; Debian's npm only when missing.
need npm npm

if ((${#want[@]} == 0)); then
	echo "bench/nat: everything is installed"
	exit 0
fi
# de-duplicate
mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -u)
echo "bench/nat: installing ${want[*]}"
apt-get -o DPkg::Lock::Timeout=600 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${want[@]}"
