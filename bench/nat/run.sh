#!/usr/bin/env bash
# NAT and WebSocket suite for ringd (SPEC section 10), with real phones.
#
#   bench/nat/run.sh           every case, one line each, then "N passed, N failed"
#   bench/nat/run.sh CASE...   only the named cases (see CASES below)
#   bench/nat/install.sh       installs what is missing (Debian packages)
#
# nat_keepalive     baresip behind a real NAT (a router namespace doing
#                   MASQUERADE, its UDP conntrack timeouts cut to CT_TIMEOUT_S)
#                   registers with its private Contact; ringd runs with
#                   sip.nat.keepalive; after longer than the NAT binding lives
#                   unrefreshed, a ring_all call must ring the phone and be
#                   answered (ringd's OPTIONS kept the binding open, and it
#                   sends the call to the received address).
# nat_no_keepalive  the control: keepalive 0. A call right after the REGISTER
#                   is answered (the binding is fresh), one after the binding
#                   expired must fail (480/408/487/5xx): the NAT is real.
# nat_keepalive_drop  the phone behind the NAT dies without un-registering:
#                   a call at once rings its dead contact for the ring time;
#                   after 3 missed keep-alives ringd has dropped the contact,
#                   so a call finds nobody available (480 at once).
# ws_phone          a browser phone: JsSIP in headless Chromium (driven by
#                   node + puppeteer-core) registers over ws:// (RFC 7118,
#                   subprotocol sip) and answers a ring_all call from a SIPp
#                   caller on UDP.
#
# Network: each case builds its own network namespaces (named rdnat-PID-*,
# deleted at the end of the case and on exit): the NAT cases a "public" one
# (ringd and the caller, 10.251.0.1), a router (10.251.0.2 on the public link,
# 192.168.251.1 on the LAN) and the phone's LAN (192.168.251.2); ws_phone one
# where ringd, the caller and Chromium run on its 127.0.0.1 (ports
# 16500-16520), plus a veth pair with 10.251.1.1 where nothing answers
# (Chromium wants a network interface). No packet leaves these namespaces;
# the only traffic outside them is npm fetching jssip, puppeteer-core and
# esbuild (the browser download is disabled).
#
# Settings (environment):
#   RINGD_BIN=PATH     test this ringd binary instead of building ./cmd/ringd
#   CT_TIMEOUT_S=10    the router's conntrack UDP timeouts (the NAT binding)
#   KEEPALIVE=2s       sip.nat.keepalive of nat_keepalive and nat_keepalive_drop
#   NPM_DIR=DIR        where the browser phone's npm packages go (reused when
#                      already there; default: a fresh one in the temp dir)
#   KEEP_LOGS=1        keep the temp dir (logs, SIP traces) after a clean run
#
# Needs root (namespaces, iptables), ip, iptables, sysctl, baresip, sipp,
# chromium, node and npm (bench/nat/install.sh), and go unless RINGD_BIN.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

CASES=(nat_keepalive nat_no_keepalive nat_keepalive_drop ws_phone)

CT_TIMEOUT_S=${CT_TIMEOUT_S:-10}
KEEPALIVE=${KEEPALIVE:-2s}
# How long the phone stays idle before the call: the NAT binding is gone by
# then unless something refreshed it.
IDLE_S=$((CT_TIMEOUT_S + 4))
RING_TIME_S=6     # the groups' ring_time: a call to an unreachable phone ends in 480 after it
TALK_MS=500       # the caller's talk time before its BYE
SIPP_TIMEOUT_S=25 # hard limit of every SIPp caller
REG_WAIT_S=15     # how long a phone may take to register

# The browser phone's npm packages (fetched at run time; no browser download).
NPM_PKGS=(jssip@3.13.8 puppeteer-core@24.43.1 esbuild@0.28.2)

# Addresses inside the NAT cases' namespaces.
PUB_IP=10.251.0.1  # ringd and the caller
WAN_IP=10.251.0.2  # the router's public side: what ringd sees as the phone's source
LAN_GW=192.168.251.1
PHONE_IP=192.168.251.2
SIP_PORT=5060

# Ports of ws_phone, on the loopback of its own namespace.
WS_UDP_PORT=16500 # ringd's UDP listener
WS_WS_PORT=16501  # ringd's ws:// listener
WS_UAC_PORT=16510 # the SIPp caller (control port +1, media +2)
WS_HTTP_PORT=16520

if (($# > 0)); then selected=("$@"); else selected=("${CASES[@]}"); fi
for c in "${selected[@]}"; do
	[[ " ${CASES[*]} " == *" $c "* ]] || { echo "unknown case $c (cases: ${CASES[*]})" >&2; exit 2; }
done
((EUID == 0)) || { echo "bench/nat/run.sh needs root (network namespaces, iptables)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ringd-nat.XXXXXX")
NS_PREFIX=rdnat-$$

# --- processes and namespaces ----------------------------------------------------
# Every background process is started by bg (its own session and process
# group: setsid) and stopped by stop_bg, or at the latest by cleanup.
declare -A PID=()    # NAME -> pid, this case's processes
declare -A UNREAPED=() # pid -> 1 for every process started and not yet
                       # stopped by stop_bg (cleanup stops those still alive)
NETNS=()             # namespaces this run made and has not deleted yet

# bg NAME LOG CMD...: CMD in the background, stdout and stderr to LOG.
bg() {
	local name=$1 log=$2
	shift 2
	setsid "$@" >"$log" 2>&1 </dev/null &
	PID[$name]=$!
	UNREAPED[$!]=1
}

# stop_bg NAME [GRACE_S]: SIGTERM to NAME's process group, SIGKILL after
# GRACE_S (default 3); reaps it. Status: its exit code (137 when killed).
stop_bg() {
	local name=$1 grace=${2:-3} pid=${PID[$1]:-} i rc=0
	[[ -n $pid ]] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		rc=137
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	fi
	local w=0
	wait "$pid" 2>/dev/null || w=$?
	((rc)) || rc=$w
	unset "PID[$name]" "UNREAPED[$pid]"
	return $rc
}

# idle SECONDS: sleep, in a way a SIGINT or SIGTERM to the script cuts short
# (its trap runs at once, not after the sleep).
SLEEP_PID=""
idle() {
	sleep "$1" &
	SLEEP_PID=$!
	wait "$SLEEP_PID"
	SLEEP_PID=""
}

running() { [[ -n ${PID[$1]:-} ]] && kill -0 "${PID[$1]}" 2>/dev/null; }

ns_add() { # NS: a new namespace with its loopback up
	ip netns add "$1" || return 1
	NETNS+=("$1")
	ip -n "$1" link set lo up
}

ns_del() { # NS: end whatever still runs in it, delete it
	local p
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$1" 2>/dev/null
	local keep=() n
	for n in "${NETNS[@]}"; do [[ $n == "$1" ]] || keep+=("$n"); done
	NETNS=("${keep[@]}")
}

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

CLEAN_EXIT=0
cleanup() {
	local p n
	[[ -n $SLEEP_PID ]] && kill "$SLEEP_PID" 2>/dev/null
	for p in "${!UNREAPED[@]}"; do
		kill -0 "$p" 2>/dev/null || continue
		kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
		sleep 0.5
		kill -0 "$p" 2>/dev/null || continue
		kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null
	done
	for n in "${NETNS[@]}"; do ns_del "$n"; done
	if ((CLEAN_EXIT)) && [[ ${KEEP_LOGS:-} != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "interrupted${CASE:+ during $CASE}: stopping everything it started; logs: $WORK" >&2; exit 130' INT TERM

# Namespaces left by an earlier run of this script that was killed: their
# owner's pid is in the name.
for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^rdnat-[0-9]+-'); do
	p=${n#rdnat-}
	p=${p%%-*}
	kill -0 "$p" 2>/dev/null && continue
	for q in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$q" 2>/dev/null; done
	ip netns del "$n" 2>/dev/null && echo "removed namespace $n left by an earlier run"
done

# --- per-case state -------------------------------------------------------------
CASE=""
DIR=""
ERRORS=()
NOTE=""
PASSED=0
FAILED=0

fail() { ERRORS+=("$*"); }
note() { NOTE+="${NOTE:+, }$*"; }

# need CMD...: every CMD is installed (a case that lacks a tool fails: run install.sh).
need() {
	local c missing=()
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
	((${#missing[@]} == 0)) && return 0
	fail "not installed: ${missing[*]} (run bench/nat/install.sh)"
	return 1
}

# --- ringd ------------------------------------------------------------------------
RINGD=""
BUILD_ERROR=""
ringd_binary() { # sets RINGD, building it once per run unless RINGD_BIN
	[[ -n $RINGD ]] && return 0
	[[ -n $BUILD_ERROR ]] && { fail "$BUILD_ERROR"; return 1; }
	if [[ -n ${RINGD_BIN:-} ]]; then
		[[ -x $RINGD_BIN ]] || { fail "RINGD_BIN=$RINGD_BIN is not an executable"; return 1; }
		RINGD=$RINGD_BIN
		return 0
	fi
	need go || return 1
	if ! (cd "$ROOT" && go build -o "$WORK/ringd" ./cmd/ringd) >"$WORK/build.log" 2>&1; then
		fail "go build ./cmd/ringd failed: $(head -c 400 "$WORK/build.log" | tr '\n' ' ')"
		return 1
	fi
	RINGD=$WORK/ringd
}

# start_ringd NS PROTO PORT [WHAT]: $DIR/ringd.yaml is checked (`ringd
# check`), then served in namespace NS; waits until PROTO (udp|tcp) PORT is
# bound there (WHAT: the listener, for the message when it is not).
start_ringd() {
	local ns=$1 proto=$2 port=$3 what=${4:-$2 port $3} i
	ringd_binary || return 1
	if ! "$RINGD" check -config "$DIR/ringd.yaml" >"$DIR/check.out" 2>&1; then
		fail "ringd check rejected the config: $(tr '\n' ' ' <"$DIR/check.out" | cut -c1-400)"
		return 1
	fi
	bg ringd "$DIR/ringd.log" ip netns exec "$ns" "$RINGD" serve -config "$DIR/ringd.yaml"
	for ((i = 0; i < 100; i++)); do
		[[ -n $(in_ns "$ns" ss -Hln"${proto:0:1}" "sport = :$port" 2>/dev/null) ]] && return 0
		running ringd || break
		sleep 0.05
	done
	if running ringd; then
		fail "ringd did not listen on $what within 5 s"
	else
		fail "ringd exited at start ($(tail -2 "$DIR/ringd.log" | tr '\n' ' ' | cut -c1-300))"
	fi
	return 1
}

# stop_ringd: SIGTERM; it must exit 0 within 10 s.
stop_ringd() {
	running ringd || { [[ -n ${PID[ringd]:-} ]] && { stop_bg ringd 1; fail "ringd died during the case"; }; return 0; }
	local rc=0
	stop_bg ringd 10 || rc=$?
	((rc == 0)) || fail "ringd exited $rc after SIGTERM (want 0)"
}

# --- SIPp callers ---------------------------------------------------------------
# call NS LOCAL_IP LOCAL_PORT RINGD_ADDR XML NAME: one call to 6000 from SIPp
# in namespace NS, in the foreground; CALL_RC is its exit code (0: the
# scenario ran to its end), traces in $DIR/NAME.*.
call() {
	local ns=$1 ip=$2 port=$3 to=$4 xml=$5 name=$6
	local cmd=(sipp "$to" -sf "$HERE/$xml" -s 6000 -m 1 -d "$TALK_MS"
		-i "$ip" -p "$port" -cp $((port + 1)) -mp $((port + 2))
		-timeout "${SIPP_TIMEOUT_S}s" -timeout_error -nostdin
		-trace_msg -message_file "$DIR/$name.msg" -trace_err -error_file "$DIR/$name.err"
		-trace_screen -screen_file "$DIR/$name.screen")
	echo "ip netns exec $ns ${cmd[*]}" >"$DIR/$name.cmd"
	CALL_RC=0
	(cd "$DIR" && exec timeout $((SIPP_TIMEOUT_S + 10)) ip netns exec "$ns" "${cmd[@]}") >"$DIR/$name.out" 2>&1 || CALL_RC=$?
}

# sipp_why NAME: in a few words, why SIPp process NAME failed.
sipp_why() {
	{
		grep -hE 'Aborting|[Uu]nexpected|timeout|Failed' "$DIR/$1.err" 2>/dev/null | sed -E 's/^.*[0-9]{10}\.[0-9]+: //' | head -2
		grep -hE '^[A-Za-z].*(rror|annot|ailed)' "$DIR/$1.out" 2>/dev/null | head -1
	} | paste -sd';' - | cut -c1-300
}

# responses NAME: the status lines SIPp process NAME received, in order.
responses() { grep -aE '^SIP/2.0 [0-9]{3}' "$DIR/$1.msg" 2>/dev/null | tr -d '\r' | cut -d' ' -f2 | paste -sd' ' -; }

# --- the NAT: three namespaces ----------------------------------------------------
PUB="" RTR="" LAN=""
nat_up() {
	PUB=$NS_PREFIX-pub RTR=$NS_PREFIX-rtr LAN=$NS_PREFIX-lan
	{
		ns_add "$PUB" && ns_add "$RTR" && ns_add "$LAN" &&
			# public link: ringd's namespace <-> the router's WAN side
			ip link add pub0 netns "$PUB" type veth peer name wan0 netns "$RTR" &&
			# the LAN: the router's LAN side <-> the phone
			ip link add lan0 netns "$RTR" type veth peer name eth0 netns "$LAN" &&
			ip -n "$PUB" addr add "$PUB_IP/24" dev pub0 && ip -n "$PUB" link set pub0 up &&
			ip -n "$RTR" addr add "$WAN_IP/24" dev wan0 && ip -n "$RTR" link set wan0 up &&
			ip -n "$RTR" addr add "$LAN_GW/24" dev lan0 && ip -n "$RTR" link set lan0 up &&
			ip -n "$LAN" addr add "$PHONE_IP/24" dev eth0 && ip -n "$LAN" link set eth0 up &&
			ip -n "$LAN" route add default via "$LAN_GW" &&
			in_ns "$RTR" sysctl -qw net.ipv4.ip_forward=1 &&
			in_ns "$RTR" iptables -t nat -A POSTROUTING -o wan0 -j MASQUERADE &&
			# Like many home routers, no ICMP error goes out to the public
			# side (neither the router's own nor the LAN's): a packet for an
			# expired binding or a dead phone vanishes, it is not refused.
			in_ns "$RTR" iptables -A OUTPUT -o wan0 -p icmp -j DROP &&
			in_ns "$RTR" iptables -A FORWARD -o wan0 -p icmp -j DROP &&
			# nf_conntrack is loaded now (MASQUERADE needs it): its UDP
			# timeouts are per namespace.
			in_ns "$RTR" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$CT_TIMEOUT_S" \
				net.netfilter.nf_conntrack_udp_timeout_stream="$CT_TIMEOUT_S"
	} >"$DIR/netns.log" 2>&1 || { fail "could not build the NAT namespaces: $(tail -2 "$DIR/netns.log" | tr '\n' ' ')"; return 1; }
	local t1 t2
	t1=$(in_ns "$RTR" sysctl -n net.netfilter.nf_conntrack_udp_timeout)
	t2=$(in_ns "$RTR" sysctl -n net.netfilter.nf_conntrack_udp_timeout_stream)
	[[ $t1 == "$CT_TIMEOUT_S" && $t2 == "$CT_TIMEOUT_S" ]] ||
		{ fail "router conntrack UDP timeouts are $t1/$t2 s, want $CT_TIMEOUT_S"; return 1; }
	# ringd's side has no route to the LAN: only the NAT's public address
	# reaches the phone.
}

nat_down() { local n; for n in "$LAN" "$RTR" "$PUB"; do [[ -n $n ]] && ns_del "$n"; done; PUB="" RTR="" LAN=""; }

# nat_ringd KEEPALIVE: ringd on udp://PUB_IP:5060 in the public namespace;
# extension 1001 (the phone), ring_all group 6000 of it; the caller's
# address is trusted.
nat_ringd() {
	cat >"$DIR/ringd.yaml" <<-EOF
		sip:
		  listen: ["udp://$PUB_IP:$SIP_PORT"]
		  domain: ringd.local
		  trusted: ["$PUB_IP/32"]
		  nat: { keepalive: $1 }
		store: "memory:"
		log: { level: debug, format: text }
		extensions:
		  - { number: "1001", name: "NAT phone", password: p1001 }
		ring_groups:
		  - number: "6000"
		    name: Behind NAT
		    strategy: ring_all
		    ring_time: $RING_TIME_S
		    members: [{ extension: "1001" }]
	EOF
	start_ringd "$PUB" udp "$SIP_PORT"
}

# --- baresip, the phone behind the NAT ------------------------------------------------
# start_phone: baresip on PHONE_IP:5060 in the LAN namespace, registering
# 1001 at ringd (its Contact is its private address), answering every call
# at once. No audio hardware: aubridge stands for it. It never refreshes its
# registration within the case (regint 3600) and sends no keep-alive of its
# own. -s: its SIP trace is in the log (OPTIONS and INVITEs it received).
start_phone() {
	local d=$DIR/phone i
	mkdir -p "$d"
	cat >"$d/config" <<-EOF
		poll_method		epoll
		sip_listen		$PHONE_IP:$SIP_PORT
		module_path		/usr/lib/baresip/modules
		module			g711.so
		module			aubridge.so
		module_app		account.so
		module_app		menu.so
		audio_player		aubridge,nat
		audio_source		aubridge,nat
		audio_alert		aubridge,alert
		rtp_ports		10000-10019
	EOF
	echo "<sip:1001@$PUB_IP:$SIP_PORT>;auth_pass=p1001;answermode=auto;regint=3600" >"$d/accounts"
	bg phone "$DIR/phone.log" ip netns exec "$LAN" baresip -f "$d" -v -s
	for ((i = 0; i < REG_WAIT_S * 10; i++)); do
		if grep -aq '1001@.* 200 OK' "$DIR/phone.log"; then
			# what makes it a NAT case: it registered its private address
			grep -aqiE "^(Contact|m): .*@$PHONE_IP:$SIP_PORT" "$DIR/phone.log" && return 0
			fail "the phone's REGISTER did not carry its private Contact ($PHONE_IP:$SIP_PORT)"
			return 1
		fi
		running phone || break
		sleep 0.1
	done
	fail "the phone did not register within ${REG_WAIT_S} s ($(grep -aE '1001@|ERR|rror' "$DIR/phone.log" | tail -2 | tr '\n' ' ' | cut -c1-200))"
	return 1
}

stop_phone() {
	running phone || { [[ -n ${PID[phone]:-} ]] && { stop_bg phone 1; fail "baresip died during the case"; }; return 0; }
	stop_bg phone 3 # it un-registers on SIGTERM; a second wait is not worth it
	return 0
}

# Counting what the phone received, from baresip's SIP trace (-s): each
# message is logged after a line "UDP FROM -> TO"; received ones go TO the
# phone's address.
phone_got() { # METHOD: requests of that method the phone received
	awk -v m="$1" -v me="$PHONE_IP:$SIP_PORT" '
		$2 ~ /:/ && $3 == "->" && $4 == me { r = 1; next }
		r { if ($1 == m) n++; r = 0 }
		END { print n + 0 }' "$DIR/phone.log"
}
phone_answered() { grep -ac 'Call established' "$DIR/phone.log"; }

# --- the cases ----------------------------------------------------------------------

# nat_keepalive: the phone behind the NAT is still reached after longer than
# the NAT binding lives on its own: ringd's keep-alives held it open.
case_nat_keepalive() {
	need ip iptables sysctl baresip sipp || return
	nat_up || return
	nat_ringd "$KEEPALIVE" || return
	start_phone || return
	idle "$IDLE_S"
	local opts
	opts=$(phone_got OPTIONS)
	note "$opts OPTIONS reached the phone in ${IDLE_S} s idle (conntrack UDP timeout ${CT_TIMEOUT_S} s)"
	((opts >= 2)) || fail "ringd's keep-alive OPTIONS did not reach the phone ($opts in ${IDLE_S} s with keepalive $KEEPALIVE)"
	call "$PUB" "$PUB_IP" 5070 "$PUB_IP:$SIP_PORT" uac_call.xml uac
	((CALL_RC == 0)) || fail "the call to 6000 after ${IDLE_S} s idle failed: sipp exited $CALL_RC (responses: $(responses uac); $(sipp_why uac))"
	local inv ans
	inv=$(phone_got INVITE) ans=$(phone_answered)
	if ((inv < 1)); then
		fail "the phone never got the INVITE"
	elif ((ans < 1)); then
		fail "the phone got the INVITE but did not answer (no 'Call established' in its log)"
	elif ((CALL_RC == 0)); then
		note "phone rung and answered, caller got $(responses uac)"
	fi
}

# nat_no_keepalive: the control. keepalive 0: a call while the binding is
# fresh is answered (ringd sends it to the received address), a call after
# the binding expired does not reach the phone and fails.
case_nat_no_keepalive() {
	need ip iptables sysctl baresip sipp || return
	nat_up || return
	nat_ringd 0 || return
	start_phone || return
	call "$PUB" "$PUB_IP" 5070 "$PUB_IP:$SIP_PORT" uac_call.xml uac_fresh
	if ((CALL_RC != 0)); then
		fail "the call right after the REGISTER (fresh NAT binding) failed: sipp exited $CALL_RC (responses: $(responses uac_fresh); $(sipp_why uac_fresh))"
	fi
	local inv0 t0=$SECONDS
	inv0=$(phone_got INVITE)
	((inv0 >= 1 && $(phone_answered) >= 1)) || fail "the phone was not rung and answered right after registering ($inv0 INVITE)"
	idle "$IDLE_S"
	local opts
	opts=$(phone_got OPTIONS)
	((opts == 0)) || fail "keepalive 0, yet $opts OPTIONS reached the phone"
	call "$PUB" "$PUB_IP" 5080 "$PUB_IP:$SIP_PORT" uac_refused.xml uac_expired
	local inv1
	inv1=$(phone_got INVITE)
	if ((CALL_RC != 0)); then
		fail "the call after the NAT binding expired did not fail as it should: sipp exited $CALL_RC (responses: $(responses uac_expired); $(sipp_why uac_expired))"
	fi
	((inv1 == inv0)) || fail "the phone got an INVITE after its NAT binding expired: the NAT is not real"
	note "fresh binding: answered ($(responses uac_fresh)); after ${IDLE_S} s idle: $(responses uac_expired), phone not reached"
}

# nat_keepalive_drop: 3 missed keep-alives in a row drop the contact. The
# phone answers ringd's OPTIONS, then is killed (no un-REGISTER; the router
# lets no ICMP error out, so nothing tells ringd). A call placed at once
# still finds the contact bound: it rings the dead address for the ring time
# and fails only then (the control: nothing else makes the call fail fast).
# A keep-alive counts as missed when no answer came by the next one, so
# 4 intervals and a margin after the kill the contact must be gone: a call
# finds nobody available and gets 480 at once (on_no_agent end_call).
case_nat_keepalive_drop() {
	need ip iptables sysctl baresip sipp || return
	nat_up || return
	nat_ringd "$KEEPALIVE" || return
	start_phone || return
	local ka=${KEEPALIVE%s} i opts
	[[ $ka =~ ^[0-9]+$ ]] || { fail "KEEPALIVE=$KEEPALIVE: this case wants whole seconds"; return; }
	for ((i = 0; i < (2 * ka + 2) * 10; i++)); do
		(($(phone_got OPTIONS) > 0)) && break
		sleep 0.1
	done
	opts=$(phone_got OPTIONS)
	((opts > 0)) || { fail "no keep-alive OPTIONS reached the phone within $((2 * ka + 2)) s (keepalive $KEEPALIVE)"; return; }
	# dies at once: no un-REGISTER (2>/dev/null: bash's "Killed" notice)
	{
		kill -KILL -- "-${PID[phone]}"
		stop_bg phone 1
	} 2>/dev/null
	local killed=${EPOCHREALTIME/[.,]/} wait_s=$((4 * ka + 4)) t0 ms left
	call "$PUB" "$PUB_IP" 5070 "$PUB_IP:$SIP_PORT" uac_refused.xml uac_bound
	ms=$(((${EPOCHREALTIME/[.,]/} - killed) / 1000))
	if ((CALL_RC != 0)); then
		fail "the call right after the phone died did not end in a failure: sipp exited $CALL_RC (responses: $(responses uac_bound); $(sipp_why uac_bound))"
	elif ((ms < RING_TIME_S * 1000 * 8 / 10)); then
		fail "the call right after the phone died failed after $ms ms, before the ring time (${RING_TIME_S} s): something other than the keep-alives makes a dead contact fail fast, this case proves nothing"
	fi
	note "a call at once rang the dead contact, $(responses uac_bound) after $ms ms"
	left=$((wait_s * 1000 - (${EPOCHREALTIME/[.,]/} - killed) / 1000))
	((left > 0)) && idle "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
	t0=${EPOCHREALTIME/[.,]/}
	call "$PUB" "$PUB_IP" 5080 "$PUB_IP:$SIP_PORT" uac_refused.xml uac
	ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
	if ((CALL_RC != 0)); then
		fail "the call ${wait_s} s after the phone died did not end in a failure: sipp exited $CALL_RC (responses: $(responses uac); $(sipp_why uac))"
	elif ((ms >= RING_TIME_S * 1000 / 2)); then
		fail "the call ${wait_s} s after the phone died took $ms ms to fail (ring_time ${RING_TIME_S} s): ringd still rang its contact, with keepalive $KEEPALIVE"
	else
		note "${wait_s} s after the kill (after $opts OPTIONS answered): $(responses uac) in $ms ms"
	fi
}

# npm_setup: NPM_DIR holds puppeteer-core and jssip.js (JsSIP bundled for the
# browser by esbuild). Fetched from npm with the browser download disabled.
npm_setup() {
	local d=${NPM_DIR:-$WORK/npm}
	NPM_DIR=$d
	[[ -f $d/jssip.js && -d $d/node_modules/puppeteer-core ]] && return 0
	mkdir -p "$d"
	if ! PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_HEADLESS_SHELL_DOWNLOAD=1 \
		npm install --prefix "$d" --no-audit --no-fund --no-save --loglevel=error "${NPM_PKGS[@]}" >"$DIR/npm.log" 2>&1; then
		fail "npm install ${NPM_PKGS[*]} failed: $(tail -3 "$DIR/npm.log" | tr '\n' ' ' | cut -c1-300)"
		return 1
	fi
	if ! "$d/node_modules/.bin/esbuild" "$d/node_modules/jssip/lib/JsSIP.js" --bundle --format=iife \
		--global-name=JsSIP --platform=browser --log-level=warning --outfile="$d/jssip.js" >>"$DIR/npm.log" 2>&1; then
		fail "esbuild could not bundle JsSIP: $(tail -3 "$DIR/npm.log" | tr '\n' ' ' | cut -c1-300)"
		return 1
	fi
}

# ws_phone: a JsSIP phone in headless Chromium registers over ws:// and
# answers a ring_all call placed by SIPp over UDP.
case_ws_phone() {
	need ip sipp node npm chromium || return
	npm_setup || return
	local ns=$NS_PREFIX-ws i
	# Only a loopback would do for ringd and the caller, but Chromium never
	# finishes gathering ICE candidates without a network interface (and
	# JsSIP waits for that before it answers): a veth pair inside the
	# namespace stands for the browser's LAN, where nothing answers.
	{
		ns_add "$ns" &&
			ip -n "$ns" link add lan0 type veth peer name lan1 &&
			ip -n "$ns" addr add 10.251.1.1/24 dev lan0 &&
			ip -n "$ns" link set lan0 up && ip -n "$ns" link set lan1 up
	} >"$DIR/netns.log" 2>&1 || { fail "could not build namespace $ns: $(tail -2 "$DIR/netns.log" | tr '\n' ' ')"; return; }
	cat >"$DIR/ringd.yaml" <<-EOF
		sip:
		  listen: ["udp://127.0.0.1:$WS_UDP_PORT", "ws://127.0.0.1:$WS_WS_PORT"]
		  domain: ringd.local
		  trusted: ["127.0.0.0/8"]
		store: "memory:"
		log: { level: debug, format: text }
		extensions:
		  - { number: "1002", name: "Browser phone", password: p1002 }
		ring_groups:
		  - number: "6000"
		    name: Browser
		    strategy: ring_all
		    ring_time: 15
		    members: [{ extension: "1002" }]
	EOF
	start_ringd "$ns" tcp "$WS_WS_PORT" "ws://127.0.0.1:$WS_WS_PORT" || return
	mkdir -p "$DIR/chromium" "$DIR/home"
	bg wsphone "$DIR/wsphone.log" env HOME="$DIR/home" ip netns exec "$ns" \
		node "$HERE/wsphone/drive.js" --modules "$NPM_DIR" --chromium "$(command -v chromium)" \
		--http-port "$WS_HTTP_PORT" --ws "ws://127.0.0.1:$WS_WS_PORT" --ext 1002 --password p1002 \
		--domain ringd.local --profile "$DIR/chromium" --for 60
	for ((i = 0; i < 300; i++)); do
		grep -aqE 'EVENT (registered|registration_failed|error)|^[0-9.]+ EXIT' "$DIR/wsphone.log" && break
		running wsphone || break
		sleep 0.1
	done
	if ! grep -aq 'EVENT registered' "$DIR/wsphone.log"; then
		fail "the browser phone did not register over ws:// ($(grep -aE 'EVENT|EXIT' "$DIR/wsphone.log" | tail -3 | cut -d' ' -f2- | paste -sd';' - | cut -c1-300))"
	else
		call "$ns" 127.0.0.1 "$WS_UAC_PORT" "127.0.0.1:$WS_UDP_PORT" uac_webrtc_call.xml uac
		((CALL_RC == 0)) || fail "the call to 6000 failed: sipp exited $CALL_RC (responses: $(responses uac); $(sipp_why uac))"
		for ((i = 0; i < 100; i++)); do running wsphone || break; sleep 0.1; done
		local ev
		grep -aq 'EVENT ws_open protocol=sip$' "$DIR/wsphone.log" ||
			fail "the WebSocket's subprotocol is not sip ($(grep -aom1 'EVENT ws_open.*' "$DIR/wsphone.log"))"
		for ev in incoming answering confirmed ended; do
			grep -aq "EVENT $ev" "$DIR/wsphone.log" || fail "the browser phone never reported '$ev'"
		done
		note "JsSIP $(grep -aom1 'JsSIP [0-9.]*' "$DIR/wsphone.log" | cut -d' ' -f2) registered over ws:// (subprotocol sip), rung, answered, hung up; caller got $(responses uac)"
	fi
}

# --- running a case -------------------------------------------------------------------

# dump_logs: the end of each log of the failed case, indented.
dump_logs() {
	local f
	for f in "$DIR"/check.out "$DIR"/netns.log "$DIR"/npm.log "$DIR"/ringd.log "$DIR"/phone.log \
		"$DIR"/wsphone.log "$DIR"/*.err "$DIR"/uac*.out; do
		[[ -s $f ]] || continue
		echo "  --- ${f#"$WORK"/} (last lines)"
		if [[ $f == */ringd.log ]]; then
			grep -av '	DEBUG	' "$f" | tail -n 15 # what it said above debug
		else
			tail -n 15 "$f"
		fi | tr -d '\r' | cut -c1-220 | sed 's/^/  | /'
	done
}

run_case() {
	CASE=$1
	DIR=$WORK/$CASE
	mkdir -p "$DIR"
	ERRORS=()
	NOTE=""
	PID=()
	local t0=$SECONDS
	"case_$CASE"
	# Whatever happened: nothing of this case survives it.
	stop_phone
	[[ -n ${PID[wsphone]:-} ]] && stop_bg wsphone 5
	[[ -n ${PID[ringd]:-} ]] && stop_ringd
	local n
	for n in "${!PID[@]}"; do stop_bg "$n" 1; done
	nat_down
	for n in "${NETNS[@]}"; do ns_del "$n"; done
	local s=$((SECONDS - t0))
	if ((${#ERRORS[@]} == 0)); then
		echo "PASS $CASE (${s} s)${NOTE:+: $NOTE}"
		PASSED=$((PASSED + 1))
	else
		local why
		why=$(printf '%s; ' "${ERRORS[@]}")
		echo "FAIL $CASE (${s} s): ${why%; } (logs: $DIR)${NOTE:+; seen: $NOTE}"
		dump_logs
		FAILED=$((FAILED + 1))
	fi
}

# ringd is built before the first case (not in its time); a failed build
# fails every case that needs ringd.
ringd_binary || BUILD_ERROR=${ERRORS[*]}
ERRORS=()
for c in "${selected[@]}"; do
	run_case "$c"
done
echo "$PASSED passed, $FAILED failed"
if ((FAILED > 0)); then
	echo "logs and SIP traces: $WORK"
	exit 1
fi
CLEAN_EXIT=1
[[ ${KEEP_LOGS:-} == 1 ]] && echo "logs and SIP traces: $WORK"
exit 0
