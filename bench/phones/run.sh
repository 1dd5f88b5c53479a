#!/usr/bin/env bash
# Real-phone interoperability suite for ringd (SPEC sections 2, 3, 6 and 10).
#
#   bench/phones/run.sh          every case, one PASS/FAIL line each, then "N passed, N failed"
#   bench/phones/run.sh CASE...  only the named cases (see CASES below)
#   bench/phones/install.sh      installs what it needs (Debian packages)
#
# Real SIP clients from Debian packages - baresip and linphonec - register
# with digest auth to a ringd built from this tree (or RINGD_BIN) over UDP,
# TCP and TLS and answer ring-group calls placed by SIPp; Kamailio stands in
# front of ringd as an edge proxy adding Path (RFC 3327) in kamailio_path.
#
# Media is end to end (ringd relays none), and each call is checked in both
# directions with evidence from both ends:
#   phone -> caller: the caller's SDP points at `ringbench rtp-listen`, which
#                    counts the phone's RTP packets (and their source);
#   caller -> phone: SIPp plays g711a.pcap (PCMA) to the phone's SDP address;
#                    baresip's sndfile module writes what it decoded to a WAV
#                    (frames of 20 ms counted), linphonec's oRTP statistics
#                    in its log give the packets it received.
#
# Each case gets its own ringd, its own phones, its own ports on 127.0.0.1
# (16000-16499) and its own directory of logs under one temp dir, printed
# when something fails. TLS material (a CA and a server certificate for
# 127.0.0.1 / ringd.local) is made by openssl once per run in that dir.
#
# Environment:
#   RINGD_BIN, RINGBENCH_BIN  use these binaries instead of building ./cmd/ringd
#                             and ./cmd/ringbench from this tree
#   KEEP_LOGS=1               keep the temp dir when everything passed
#   TALK_MS                   talk time of each answered call (default 2000)
#   PHONES_NO_INSTALL=1       do not run install.sh when something is missing
#   KAMAILIO_ARGS             more kamailio options (e.g. -ddd for its debug log)
#
# Needs: baresip, linphonec (linphone-cli), kamailio, sipp (sip-tester),
# openssl, ss (iproute2), script (util-linux), curl, go unless both *_BIN
# are given; run as root, it runs install.sh for what is missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

CASES=(baresip_udp baresip_tcp baresip_tls linphone_udp linphone_tcp linphone_tls hunt_udp kamailio_path)

TALK_MS=${TALK_MS:-2000} # caller's talk time after the 200 (pcap plays meanwhile)
RING_S=2                 # ring_time of the hunt's first member
MIN_PKTS=25              # RTP packets (20 ms) each way for "media flowed" (0.5 s)
REG_TIMEOUT_S=10         # a phone must be registered within this
SIPP_TIMEOUT_S=30        # hard limit of every SIPp process
PCAP=/usr/share/sip-tester/g711a.pcap
DOMAIN=ringd.local

missing=()
for c in baresip linphonec kamailio sipp openssl ss script curl; do
	command -v "$c" >/dev/null || missing+=("$c")
done
[[ -r $PCAP ]] || missing+=("$PCAP")
if ((${#missing[@]} > 0)); then
	# As root (CI, a developer's machine here) install them; else say how.
	if ((EUID == 0)) && [[ ${PHONES_NO_INSTALL:-} != 1 ]]; then
		echo "missing: ${missing[*]}: running bench/phones/install.sh" >&2
		"$HERE/install.sh" >&2 || { echo "bench/phones/install.sh failed" >&2; exit 2; }
	else
		echo "missing: ${missing[*]} (run bench/phones/install.sh as root)" >&2
		exit 2
	fi
fi

# --- cases selected ----------------------------------------------------------
if (($# > 0)); then selected=("$@"); else selected=("${CASES[@]}"); fi
for c in "${selected[@]}"; do
	[[ " ${CASES[*]} " == *" $c "* ]] || { echo "unknown case $c (cases: ${CASES[*]})" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ringd-phones.XXXXXX")

# --- every process we start is stopped ------------------------------------------
# PROCS[name]=pid of the processes of the current case; each is started with
# setsid (its own process group), so stopping it stops what it forked too.
declare -A PROCS=()
declare -A FIFO_FD=()

# kill_tree PID: SIGKILL to PID's process group and to the children it has in
# other sessions (linphonec runs in the session of script's pty).
kill_tree() {
	local pid=$1 kids
	kids=$(pgrep -P "$pid" 2>/dev/null || true)
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	[[ -z $kids ]] || kill -KILL $kids 2>/dev/null || true
}

# stop_proc NAME [GRACE_TENTHS]: SIGTERM to its group, SIGKILL after GRACE (default 3 s).
stop_proc() {
	local name=$1 grace=${2:-30} pid i
	pid=${PROCS[$name]:-}
	[[ -n $pid ]] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < grace; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill_tree "$pid"
	wait "$pid" 2>/dev/null || true
	unset "PROCS[$name]"
}

cleanup() {
	local n fd
	for n in "${!PROCS[@]}"; do
		kill_tree "${PROCS[$n]}"
		wait "${PROCS[$n]}" 2>/dev/null || true
	done
	for fd in "${FIFO_FD[@]}"; do exec {fd}>&- 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- binaries ------------------------------------------------------------------------
if [[ -n ${RINGD_BIN:-} ]]; then
	RINGD=$RINGD_BIN
else
	RINGD=$WORK/ringd
	(cd "$ROOT" && go build -o "$RINGD" ./cmd/ringd) || { echo "FAIL build: go build ./cmd/ringd failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if [[ -n ${RINGBENCH_BIN:-} ]]; then
	RINGBENCH=$RINGBENCH_BIN
else
	RINGBENCH=$WORK/ringbench
	(cd "$ROOT" && go build -o "$RINGBENCH" ./cmd/ringbench) || { echo "FAIL build: go build ./cmd/ringbench failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# --- TLS material ----------------------------------------------------------------
# A CA and a server certificate (CN ringd.local, SAN ringd.local and
# 127.0.0.1) signed by it, ECDSA P-256, valid 2 days.
TLS=$WORK/tls
make_tls() {
	mkdir -p "$TLS"
	(
		cd "$TLS"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
			-subj "/CN=ringd phones test CA" -keyout ca.key -out ca.pem
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-subj "/CN=$DOMAIN" -keyout server.key -out server.csr
		printf 'subjectAltName=DNS:%s,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
			"$DOMAIN" >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile server.ext -out server.pem
		# Some clients want the chain in the certificate file.
		cat server.pem ca.pem >chain.pem
	) >"$TLS/openssl.log" 2>&1
}
make_tls || { echo "FAIL tls: openssl could not make the test certificates: $(tail -3 "$TLS/openssl.log")"; echo "0 passed, 1 failed"; exit 1; }

# --- ports -----------------------------------------------------------------------------
NEXT_PORT=16000
port_busy() { [[ -n "$(ss -Hlnu "sport = :$1")$(ss -Hlnt "sport = :$1")" ]]; }
alloc_ports() { # N -> PORT (N consecutive free ports)
	local n=$1 p
	while :; do
		((NEXT_PORT + n - 1 <= 16499)) || { echo "out of ports in 16000-16499" >&2; return 1; }
		for ((p = NEXT_PORT; p < NEXT_PORT + n; p++)); do
			if port_busy "$p"; then NEXT_PORT=$((p + 1)); continue 2; fi
		done
		PORT=$NEXT_PORT
		NEXT_PORT=$((NEXT_PORT + n))
		return 0
	done
}

# wait_listening udp|tcp PORT PID: up to 5 s for PORT to be bound, while PID lives.
wait_listening() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n "$(ss -Hln"${1:0:1}" "sport = :$2")" ]] && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# --- per-case state --------------------------------------------------------------------
# shellcheck source=bench/cases.sh
source "$HERE/../cases.sh" # CASE, DIR, ERRORS, NOTE, fail, verdict, PASSED, FAILED
note() { NOTE+="${NOTE:+; }$*"; }

# --- ringd -----------------------------------------------------------------------------------
# start_ringd TLS(0|1): ringd on udp+tcp 127.0.0.1:RINGD_PORT (and
# tls://127.0.0.1:RINGD_TLS_PORT with the test certificate when TLS=1), the
# admin API on API_PORT, extensions and groups as YAML on stdin.
RINGD_PORT="" RINGD_TLS_PORT="" API_PORT=""
TOKEN=phones-test-token
start_ringd() {
	local tls=$1 listen
	alloc_ports 3
	RINGD_PORT=$PORT RINGD_TLS_PORT=$((PORT + 1)) API_PORT=$((PORT + 2))
	listen="\"udp://127.0.0.1:$RINGD_PORT\", \"tcp://127.0.0.1:$RINGD_PORT\""
	((tls)) && listen+=", \"tls://127.0.0.1:$RINGD_TLS_PORT\""
	{
		echo "sip:"
		echo "  listen: [$listen]"
		echo "  domain: $DOMAIN"
		echo "  trusted: [\"127.0.0.0/8\"]"
		((tls)) && echo "  tls: { cert: \"$TLS/server.pem\", key: \"$TLS/server.key\", ca: \"$TLS/ca.pem\", verify_peers: false }"
		echo "http: { listen: \"127.0.0.1:$API_PORT\", tokens: [$TOKEN] }"
		echo "store: \"memory:\""
		echo "log: { level: debug, format: text }"
		cat
	} >"$DIR/ringd.yaml"
	if ! "$RINGD" check -config "$DIR/ringd.yaml" >"$DIR/check.out" 2>&1; then
		fail "ringd check rejected the config$( ((tls)) && echo " (TLS listener: is tls:// / sip.tls implemented?)"): $(tr '\n' ' ' <"$DIR/check.out" | cut -c1-300)"
		return 1
	fi
	(exec setsid "$RINGD" serve -config "$DIR/ringd.yaml" >"$DIR/ringd.log" 2>&1) &
	PROCS[ringd]=$!
	if ! wait_listening udp "$RINGD_PORT" "${PROCS[ringd]}"; then
		fail "ringd did not start listening on udp 127.0.0.1:$RINGD_PORT: $(grep -m2 -iE 'error|fatal|refus' "$DIR/ringd.log" | tr '\n' ' ' | cut -c1-300)"
		return 1
	fi
	if ((tls)) && ! wait_listening tcp "$RINGD_TLS_PORT" "${PROCS[ringd]}"; then
		fail "ringd is not listening on tls://127.0.0.1:$RINGD_TLS_PORT (TLS listener not implemented?): $(grep -m2 -iE 'tls|error|fatal' "$DIR/ringd.log" | tr '\n' ' ' | cut -c1-300)"
		return 1
	fi
	wait_listening tcp "$API_PORT" "${PROCS[ringd]}" || true
}

# stop_ringd: SIGTERM, expect exit 0 within 10 s.
stop_ringd() {
	local pid=${PROCS[ringd]:-} i rc=0
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "ringd still running 10 s after SIGTERM"
		kill_tree "$pid"
	fi
	wait "$pid" 2>/dev/null || rc=$?
	((rc == 0)) || fail "ringd exited $rc after SIGTERM (want 0)"
	unset "PROCS[ringd]"
}

# registrations: ringd's GET /api/v1/registrations (saved in the case dir), one
# line per contact "EXT CONTACT from SOURCE".
registrations() {
	curl -s -m 3 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/api/v1/registrations" \
		>"$DIR/registrations.json" 2>/dev/null || return 0
	tr '{' '\n' <"$DIR/registrations.json" |
		sed -nE 's/.*"extension":"([^"]*)".*"contact":"([^"]*)".*"source":"([^"]*)".*/\1 \2 from \3/p'
}

# proxy_uri TRANSPORT: ringd's URI for a phone's outbound proxy.
proxy_uri() {
	case $1 in
	tls) echo "sip:127.0.0.1:$RINGD_TLS_PORT;transport=tls" ;;
	*) echo "sip:127.0.0.1:$RINGD_PORT;transport=$1" ;;
	esac
}

# --- phones ------------------------------------------------------------------------------------
# Each phone reads its commands from a FIFO that this script holds open
# (FIFO_FD[NAME]); phone_cmd NAME LINE types a command.
open_fifo() {
	local name=$1 fd
	mkfifo "$DIR/$name.in"
	exec {fd}<>"$DIR/$name.in"
	FIFO_FD[$name]=$fd
}
close_fifo() {
	local fd=${FIFO_FD[$1]:-}
	[[ -n $fd ]] || return 0
	exec {fd}>&-
	unset "FIFO_FD[$1]"
}
phone_cmd() { printf '%s\n' "$2" >&"${FIFO_FD[$1]}"; }

declare -A PHONE_SIP=() PHONE_RTP=() PHONE_KIND=() PHONE_EXT=() PHONE_TR=()

# start_baresip NAME EXT TRANSPORT PROXY_URI [manual]: baresip registered as
# EXT (password pEXT) through PROXY_URI, answering at once (manual: never),
# sending a 440 Hz tone (aufile) and dumping what it decodes (sndfile).
start_baresip() {
	local name=$1 ext=$2 tr=$3 proxy=$4 mode=${5:-auto} d=$DIR/$1
	alloc_ports 8 # SIP P (udp/tcp), P+1 (tls), RTP P+2..P+7
	PHONE_SIP[$name]=$PORT PHONE_RTP[$name]="$((PORT + 2))-$((PORT + 7))"
	PHONE_KIND[$name]=baresip PHONE_EXT[$name]=$ext PHONE_TR[$name]=$tr
	mkdir -p "$d/snd"
	"$RINGBENCH" tone -o "$d/tone.wav" -ms 20000 -hz 440 2>"$d/tone.err" ||
		{ fail "ringbench tone failed: $(cat "$d/tone.err")"; return 1; }
	cat >"$d/config" <<-EOF
		poll_method		epoll
		sip_listen		127.0.0.1:$PORT
		sip_trans_def		$tr
		sip_cafile		$TLS/ca.pem
		net_interface		127.0.0.1
		audio_player		aubridge,nil
		audio_alert		aubridge,nil
		audio_source		aufile,$d/tone.wav
		rtp_ports		$((PORT + 2))-$((PORT + 7))
		rtcp_mux		no
		snd_path		$d/snd
		statmode_default	off
		module_path		/usr/lib/baresip/modules
		module			stdio.so
		module			g711.so
		module			aufile.so
		module			aubridge.so
		module			sndfile.so
		module_app		account.so
		module_app		menu.so
	EOF
	echo "<sip:$ext@$DOMAIN>;auth_user=$ext;auth_pass=p$ext;outbound=\"$proxy\";answermode=$mode;regint=300;audio_codecs=PCMA" >"$d/accounts"
	open_fifo "$name"
	# -s: SIP trace on stdout (who sent each message to the phone).
	(exec setsid baresip -s -f "$d" <"$d/../$name.in" >"$d/out.log" 2>&1) &
	PROCS[$name]=$!
}

# start_linphonec NAME EXT TRANSPORT PROXY_URI: linphonec registered as EXT
# through PROXY_URI, auto-answering (-a), playing the tone and recording in
# file mode (no sound card here), full log (-d 6) for oRTP's statistics.
# linphonec's prompt needs a terminal: it runs under script(1).
start_linphonec() {
	local name=$1 ext=$2 tr=$3 proxy=$4 d=$DIR/$1
	alloc_ports 8 # SIP udp P, tcp P+1, tls P+2, audio RTP P+4 (RTCP P+5), video P+6, text P+7
	PHONE_SIP[$name]=$PORT PHONE_RTP[$name]="$((PORT + 4))"
	PHONE_KIND[$name]=linphonec PHONE_EXT[$name]=$ext PHONE_TR[$name]=$tr
	mkdir -p "$d/home/.local/share/linphone" # without it the core never starts
	"$RINGBENCH" tone -o "$d/tone.wav" -ms 20000 -hz 660 2>"$d/tone.err" ||
		{ fail "ringbench tone failed: $(cat "$d/tone.err")"; return 1; }
	cat >"$d/linphonerc" <<-EOF
		[sip]
		sip_port=$PORT
		sip_tcp_port=$((PORT + 1))
		sip_tls_port=$((PORT + 2))
		bind_address=127.0.0.1
		use_ipv6=0
		default_proxy=0
		register_only_when_network_is_up=0
		register_only_when_upnp_is_ok=0
		root_ca=$TLS/ca.pem
		verify_server_certs=1
		verify_server_cn=0
		media_encryption=none
		[rtp]
		audio_rtp_port=$((PORT + 4))
		video_rtp_port=$((PORT + 6))
		text_rtp_port=$((PORT + 7))
		[net]
		firewall_policy=0
		[video]
		capture=0
		display=0
		[proxy_0]
		reg_proxy=<$proxy>
		reg_identity=sip:$ext@$DOMAIN
		reg_expires=300
		reg_sendregister=1
		[auth_info_0]
		username=$ext
		passwd=p$ext
		realm=$DOMAIN
		domain=$DOMAIN
	EOF
	open_fifo "$name"
	(
		cd "$d"
		HOME=$d/home exec setsid script -qfec "linphonec -c '$d/linphonerc' -a -d 6 -l '$d/linphone.log'" /dev/null \
			<"$d/../$name.in" >"$d/out.log" 2>&1
	) &
	PROCS[$name]=$!
}

# wait_registered NAME: up to REG_TIMEOUT_S for the phone to report its
# registration; the reason when it does not.
wait_registered() {
	local name=$1 d=$DIR/$1 i tr=${PHONE_TR[$1]} up
	up=$(tr a-z A-Z <<<"$tr")
	for ((i = 0; i < REG_TIMEOUT_S * 10; i++)); do
		case ${PHONE_KIND[$name]} in
		baresip)
			grep -aqE "\{0/$up/v4\} 200 OK" "$d/out.log" 2>/dev/null && return 0
			if grep -aqE "\{0/$up/v4\} [3-6][0-9][0-9] |reg: .*(failed|error)|[Rr]egistration failed" "$d/out.log" 2>/dev/null; then
				fail "$name (baresip) could not register over $tr: $(grep -aE "\{0/$up/v4\}|failed|error" "$d/out.log" | head -2 | tr '\n' ' ' | cut -c1-200)"
				return 1
			fi
			;;
		linphonec)
			grep -aq 'LinphoneRegistrationOk' "$d/linphone.log" 2>/dev/null && return 0
			if grep -aq 'to \[LinphoneRegistrationFailed\]' "$d/linphone.log" 2>/dev/null; then
				fail "$name (linphonec) could not register over $tr: $(grep -aE 'belle-sip-error|Registration failed|reason' "$d/linphone.log" | grep -av soundcard | head -2 | cut -c25-200 | tr '\n' ' ')"
				return 1
			fi
			;;
		esac
		kill -0 "${PROCS[$name]}" 2>/dev/null || { fail "$name (${PHONE_KIND[$name]}) exited before registering: $(tail -3 "$d/out.log" | tr '\n' ' ' | cut -c1-200)"; return 1; }
		sleep 0.1
	done
	fail "$name (${PHONE_KIND[$name]}) not registered over $tr after ${REG_TIMEOUT_S} s: $(registration_why "$name")"
	return 1
}

registration_why() {
	local d=$DIR/$1
	case ${PHONE_KIND[$1]} in
	baresip) grep -aE 'reg|failed|error|tls|TLS' "$d/out.log" | grep -avE '^(Via|From|To|Call-ID|CSeq|Contact)' | tail -2 | tr '\n' ' ' | cut -c1-250 ;;
	linphonec) grep -aE 'error|Registration|tls|TLS' "$d/linphone.log" | grep -avE 'soundcard|database|alsa|bctbx_file|Could not find' | tail -2 | cut -c25-250 | tr '\n' ' ' ;;
	esac
}

# linphone_setup NAME: file mode (tone out, recording in).
linphone_setup() {
	phone_cmd "$1" "soundcard use files"
	phone_cmd "$1" "play $DIR/$1/tone.wav"
	phone_cmd "$1" "record $DIR/$1/rec.wav"
}

# stop_phone NAME: quit it politely (unregisters), then stop_proc.
stop_phone() {
	local name=$1
	[[ -n ${PROCS[$name]:-} ]] || return 0
	case ${PHONE_KIND[$name]} in
	baresip) stop_proc "$name" 30 ;; # SIGTERM: baresip unregisters and exits
	linphonec)
		phone_cmd "$name" "quit" 2>/dev/null || true
		stop_proc "$name" 30
		;;
	esac
	close_fifo "$name"
}

# rx_frames NAME: sets RX to what the phone got from the caller (packets or
# 20 ms frames, empty when it says nothing) and RX_HOW to what RX counts.
rx_frames() {
	local d=$DIR/$1 f size=44
	case ${PHONE_KIND[$1]} in
	baresip)
		f=$(ls "$d"/snd/dump-*-dec.wav 2>/dev/null | head -1)
		[[ -z $f ]] || size=$(stat -c %s "$f")
		RX_HOW="20 ms frames decoded (baresip sndfile)"
		RX=$(((size - 44) / 320))
		;;
	linphonec)
		RX_HOW="RTP packets received (linphonec oRTP stats)"
		RX=$(awk '/AUDIO SESSION.S RTP STATISTICS/ {on = 1} on && /-received +[0-9]+ packets/ {print $(NF - 1); exit}' "$d/linphone.log")
		;;
	esac
}

# tx_stat NAME: the phone's own count of RTP packets it sent (linphonec only).
tx_stat() {
	[[ ${PHONE_KIND[$1]} == linphonec ]] || return 0
	awk '/AUDIO SESSION.S RTP STATISTICS/ {on = 1} on && /-sent +[0-9]+ packets/ {print $(NF - 1); exit}' "$DIR/$1/linphone.log"
}

# --- SIPp ----------------------------------------------------------------------------------
# The ringing member: a SIPp process playing uas_ring.xml (rings until
# CANCELed) at RINGER_PORT, the static contact of extension 1009.
# alloc_ringer: reserve the ringer's ports before the config names them.
alloc_ringer() { alloc_ports 6; RINGER_PORT=$PORT; } # SIP, control, media x4

# run_ringer NAME: start it on RINGER_PORT (reserved by alloc_ringer).
run_ringer() {
	(cd "$DIR" && exec setsid sipp -sf "$HERE/uas_ring.xml" -m 1 -i 127.0.0.1 -p "$RINGER_PORT" -cp $((RINGER_PORT + 1)) \
		-mp $((RINGER_PORT + 2)) -nostdin -timeout "${SIPP_TIMEOUT_S}s" -timeout_error \
		-trace_msg -message_file "$DIR/$1.msg" -trace_err -error_file "$DIR/$1.err" >"$DIR/$1.out" 2>&1) &
	PROCS[$1]=$!
	wait_listening udp "$RINGER_PORT" "${PROCS[$1]}" || fail "$1: SIPp did not start: $(head -c 200 "$DIR/$1.out")"
}

# wait_sipp NAME: its exit code must be 0.
wait_sipp() {
	local rc=0
	wait "${PROCS[$1]}" || rc=$?
	unset "PROCS[$1]"
	((rc == 0)) || fail "$1: sipp exited $rc ($(sipp_why "$1"))"
}

sipp_why() {
	grep -ahE 'Aborting|[Uu]nexpected|timeout|received .SIP/2.0 [3-6]' "$DIR/$1.err" 2>/dev/null | head -2 |
		sed -E 's/^.*[0-9]{10}\.[0-9]+: //' | tr '\n' ' ' | cut -c1-250
}

# start_rtp: `ringbench rtp-listen` on RTP_PORT (the caller's SDP names it).
start_rtp() {
	alloc_ports 1
	RTP_PORT=$PORT
	(exec setsid "$RINGBENCH" rtp-listen -addr "127.0.0.1:$RTP_PORT" -for "${SIPP_TIMEOUT_S}s" -idle 1500ms -pt 8 \
		>"$DIR/rtp.out" 2>&1) &
	PROCS[rtp]=$!
	wait_listening udp "$RTP_PORT" "${PROCS[rtp]}" || { fail "rtp-listen did not start: $(head -c 200 "$DIR/rtp.out")"; return 1; }
}

# wait_rtp: the listener's summary line in RTP (its own verdict is not used:
# linphonec's first packet has no marker bit and it sends STUN to the RTP
# port, which rtp-listen counts as not RTP).
wait_rtp() {
	local pid=${PROCS[rtp]} i
	# It ends 1.5 s after the last packet; when none came, SIGTERM (it still
	# prints its line) instead of waiting for -for.
	for ((i = 0; i < 30; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "PROCS[rtp]"
	RTP=$(head -1 "$DIR/rtp.out")
}
rtp_field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$RTP"; }

# run_caller: SIPp calls 6000 from 127.0.0.1 (trusted: no auth), its SDP
# pointing at rtp-listen; after the 200 it plays g711a.pcap for TALK_MS and
# hangs up. CALL_MS: INVITE to BYE's 200, wall clock.
run_caller() {
	alloc_ports 6 # SIP, control, media x4
	local t0 cmd rc=0
	cmd=(sipp "127.0.0.1:$RINGD_PORT" -sf "$HERE/uac_call.xml" -s 6000 -m 1 -key rtp_port "$RTP_PORT"
		-key pcap "$PCAP" -d "$TALK_MS" -i 127.0.0.1 -p "$PORT" -cp $((PORT + 1)) -mp $((PORT + 2))
		-nostdin -timeout "${SIPP_TIMEOUT_S}s" -timeout_error
		-trace_msg -message_file "$DIR/caller.msg" -trace_err -error_file "$DIR/caller.err")
	echo "${cmd[*]}" >"$DIR/caller.cmd"
	t0=${EPOCHREALTIME/[.,]/}
	(cd "$DIR" && exec "${cmd[@]}") >"$DIR/caller.out" 2>&1 || rc=$?
	CALL_MS=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
	((rc == 0)) || fail "caller: sipp exited $rc ($(sipp_why caller))"
	return $rc
}

# check_media NAME: RTP both ways between the caller and phone NAME.
check_media() {
	local name=$1 from pkts rx tx
	wait_rtp
	pkts=$(rtp_field packets)
	from=$(rtp_field from)
	rx_frames "$name"
	rx=$RX
	tx=$(tx_stat "$name")
	if [[ -z $pkts ]] || ((pkts < MIN_PKTS)); then
		fail "phone->caller: ${pkts:-0} RTP packets reached the caller's rtp-listen (want >= $MIN_PKTS): ${RTP:-no summary}"
	fi
	if [[ -n $from && $from != 127.0.0.1:* ]]; then fail "phone->caller RTP came from $from"; fi
	if [[ -z $rx ]] || ((rx < MIN_PKTS)); then
		fail "caller->phone: the phone reports ${rx:-no} $RX_HOW (want >= $MIN_PKTS)"
	fi
	note "RTP phone->caller ${pkts:-0} pkts PT $(rtp_field pt) from ${from:-?}${tx:+ (phone says $tx sent)}, caller->phone ${rx:-0} $RX_HOW"
}

# check_ringer NAME: the ringing member got ringd's CANCEL.
check_ringer() {
	wait_sipp "$1"
	if grep -q '^CANCEL ' "$DIR/$1.msg" 2>/dev/null; then
		note "other ring_all leg CANCELed$(tr -d '\r' <"$DIR/$1.msg" | grep -m1 -i '^Reason:' | sed 's/^/ (/; s/$/)/')"
	else
		fail "the ring_all group's other member (SIPp) got no CANCEL"
	fi
}

run_case() {
	CASE=$1
	DIR=$WORK/$CASE
	mkdir -p "$DIR"
	ERRORS=()
	NOTE=""
	PHONE_SIP=() PHONE_RTP=() PHONE_KIND=() PHONE_EXT=() PHONE_TR=()
	local t0=${EPOCHREALTIME/[.,]/} n
	"case_$CASE" || true
	for n in "${!PROCS[@]}"; do
		[[ $n == ringd ]] && continue
		if [[ -n ${PHONE_KIND[$n]:-} ]]; then stop_phone "$n"; else stop_proc "$n" 10; fi
	done
	for n in "${!FIFO_FD[@]}"; do close_fifo "$n"; done
	stop_ringd
	verdict "$t0"
}

# --- the cases ---------------------------------------------------------------------------------

# ring_all_case KIND TRANSPORT: phone KIND (baresip | linphonec) registers as
# 1001 over TRANSPORT with digest auth; group 6000 rings it and a SIPp member
# (1009, static contact) together; the phone answers, RTP flows both ways for
# TALK_MS, the caller hangs up; the SIPp member is CANCELed.
ring_all_case() {
	local kind=$1 tr=$2 tls=0 regs
	[[ $tr == tls ]] && tls=1
	alloc_ringer
	start_ringd $tls <<-EOF || return
		extensions:
		  - { number: "1001", name: Phone, password: p1001 }
		  - { number: "1009", name: Ringer, password: p1009, contact: "sip:1009@127.0.0.1:$RINGER_PORT" }
		ring_groups:
		  - number: "6000"
		    name: All
		    strategy: ring_all
		    ring_time: 15
		    members: [{ extension: "1001" }, { extension: "1009" }]
	EOF
	"start_$kind" phone 1001 "$tr" "$(proxy_uri "$tr")" || return
	wait_registered phone || return
	regs=$(registrations)
	note "registered over $tr${regs:+ (ringd: $(head -1 <<<"$regs"))}"
	[[ $kind == linphonec ]] && linphone_setup phone
	run_ringer ringer
	start_rtp || return
	run_caller || true
	stop_phone phone
	check_media phone
	check_ringer ringer
	note "call ${CALL_MS} ms INVITE..BYE"
}

case_baresip_udp() { ring_all_case baresip udp; }
case_baresip_tcp() { ring_all_case baresip tcp; }
case_baresip_tls() { ring_all_case baresip tls; }
case_linphone_udp() { ring_all_case linphonec udp; }
case_linphone_tcp() { ring_all_case linphonec tcp; }
case_linphone_tls() { ring_all_case linphonec tls; }

# hunt_udp: prioritized_hunt over UDP, ring_time RING_S: baresip (1001,
# never answers) rings first and is CANCELed after RING_S, then linphonec
# (1002) answers; RTP both ways with linphonec; the 200 cannot come before
# RING_S.
case_hunt_udp() {
	start_ringd 0 <<-EOF || return
		extensions:
		  - { number: "1001", name: Bare, password: p1001 }
		  - { number: "1002", name: Linphone, password: p1002 }
		ring_groups:
		  - number: "6000"
		    name: Hunt
		    strategy: prioritized_hunt
		    ring_time: $RING_S
		    members: [{ extension: "1001" }, { extension: "1002" }]
	EOF
	start_baresip first 1001 udp "$(proxy_uri udp)" manual || return
	start_linphonec second 1002 udp "$(proxy_uri udp)" || return
	wait_registered first || return
	wait_registered second || return
	linphone_setup second
	start_rtp || return
	run_caller || true
	stop_phone first
	stop_phone second
	check_media second
	local t200 tinv ring_ms
	grep -aq 'Incoming call from' "$DIR/first/out.log" || fail "first member (baresip 1001) never rang"
	if ls "$DIR"/first/snd/dump-*-dec.wav >/dev/null 2>&1; then
		fail "first member (baresip 1001, never answering) had a media session: it was connected"
	fi
	grep -aqE '^CANCEL ' "$DIR/first/out.log" || fail "first member (baresip 1001) got no CANCEL after its ring_time"
	# INVITE -> 200 as the caller saw it.
	tinv=$(awk '/^-+ [0-9-]+ [0-9:.]+/ {ts = $2 "T" $3} /^INVITE / && !i {i = ts} /^SIP\/2.0 200 / && !o && i {o = ts} END {print i, o}' "$DIR/caller.msg")
	read -r tinv t200 <<<"$tinv"
	if [[ -n $tinv && -n $t200 ]]; then
		ring_ms=$((($(date -d "$t200" +%s%3N) - $(date -d "$tinv" +%s%3N))))
		note "200 after ${ring_ms} ms (first member's ring_time ${RING_S} s)"
		((ring_ms >= RING_S * 1000)) || fail "200 came ${ring_ms} ms after the INVITE: the second member answered before the first one's ring_time (${RING_S} s) was over"
	else
		fail "no INVITE/200 in the caller's trace"
	fi
}

# kamailio_path: Kamailio (bench/phones/kamailio.cfg) as an edge proxy on
# UDP: baresip registers THROUGH it (Path added, RFC 3327); ringd must store
# the Path and echo it in the 200, and its INVITE for the phone must carry
# the Path as Route, so it reaches the phone THROUGH Kamailio (checked in
# Kamailio's log and in the phone's SIP trace: the INVITE's source address).
case_kamailio_path() {
	local edge regs inv_src
	start_ringd 0 <<-EOF || return
		extensions:
		  - { number: "1001", name: Behind edge, password: p1001 }
		ring_groups:
		  - number: "6000"
		    name: Edge
		    strategy: ring_all
		    ring_time: 15
		    members: [{ extension: "1001" }]
	EOF
	alloc_ports 1
	edge=$PORT
	mkdir -p "$DIR/kamailio"
	kamailio -c -f "$HERE/kamailio.cfg" -A "LISTEN=udp:127.0.0.1:$edge" -A "RINGD=\"sip:127.0.0.1:$RINGD_PORT\"" \
		>"$DIR/kamailio.check" 2>&1 || { fail "kamailio -c rejected kamailio.cfg: $(grep -m2 -i error "$DIR/kamailio.check")"; return; }
	(exec setsid kamailio -f "$HERE/kamailio.cfg" -DD -E -m 32 -M 8 -Y "$DIR/kamailio" ${KAMAILIO_ARGS:-} \
		-A "LISTEN=udp:127.0.0.1:$edge" -A "RINGD=\"sip:127.0.0.1:$RINGD_PORT\"" >"$DIR/kamailio.log" 2>&1) &
	PROCS[kamailio]=$!
	wait_listening udp "$edge" "${PROCS[kamailio]}" || { fail "kamailio did not start: $(tail -2 "$DIR/kamailio.log")"; return; }
	start_baresip phone 1001 udp "sip:127.0.0.1:$edge;transport=udp" || return
	wait_registered phone || return
	regs=$(registrations)
	note "registered through the edge 127.0.0.1:$edge${regs:+ (ringd: $(head -1 <<<"$regs"))}"
	grep -q 'REGISTER .*Path added' "$DIR/kamailio.log" || fail "kamailio did not relay the REGISTER with a Path"
	local reply
	reply=$(grep 'REGISTER reply 200' "$DIR/kamailio.log" | tail -1)
	if [[ $reply != *"Path: [<sip:127.0.0.1:$edge"* ]]; then
		fail "ringd's 200 to the REGISTER does not echo the Path (RFC 3327 / SPEC 10 Path support missing): ${reply#*<script>: }"
	else
		note "ringd's 200 echoed $(sed -E 's/.*(Path: \[[^]]*\]).*/\1/' <<<"$reply"), $(sed -E 's/.*(Supported: \[[^]]*\]).*/\1/' <<<"$reply")"
	fi
	start_rtp || return
	run_caller || true
	stop_phone phone
	check_media phone
	if grep -q "loose-routed INVITE .* to phone" "$DIR/kamailio.log"; then
		note "kamailio: $(grep -m1 'loose-routed INVITE' "$DIR/kamailio.log" | sed -E 's/.*loose-routed/loose-routed/; s/ \(Call-ID.*//')"
	else
		fail "the INVITE for the phone did not come through kamailio (no Route from the stored Path)"
	fi
	# The phone's own view: where its INVITE came from (baresip -s trace).
	inv_src=$(awk '/^(UDP|TCP|TLS) [0-9.:]+ -> / {src = $2} /^INVITE / {print src; exit}' "$DIR/phone/out.log")
	if [[ $inv_src == "127.0.0.1:$edge" ]]; then
		note "phone got the INVITE from the edge $inv_src"
	else
		fail "the phone got the INVITE from ${inv_src:-nowhere}, not from the edge 127.0.0.1:$edge"
	fi
}

# --- main ----------------------------------------------------------------------------------------
for c in "${selected[@]}"; do
	run_case "$c"
done
echo "$PASSED passed, $FAILED failed"
if ((FAILED > 0)); then
	echo "logs: $WORK"
	exit 1
fi
if [[ ${KEEP_LOGS:-} == 1 ]]; then
	echo "logs: $WORK"
else
	rm -rf "$WORK"
fi
