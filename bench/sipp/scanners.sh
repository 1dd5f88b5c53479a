# shellcheck shell=bash
# SIPVicious against ringd (sourced by run.sh; cases sipvicious_blocked and
# sipvicious_unblocked). Needs the Debian package sipvicious (svmap, svwar,
# svcrack; newer releases name them sipvicious_svmap, ...), which `make e2e`
# installs when missing.
#
# ringd trusts no network here, so the tools, on 127.0.0.1 like every
# process of the suite, are strangers to it. ringd's admin API (for
# /metrics and DELETE /api/v1/bans) is on a port of its own.
#
#   sipvicious_blocked    the default protection: svmap finds nothing, svwar
#                         enumerates no extension, svcrack with a 1,000-word
#                         list (the right password at word 500) finds
#                         nothing: none of their requests is answered (svcrack
#                         gives up at its first unanswered probe). The source is unbanned
#                         through the API between the tools, so that each
#                         meets ringd afresh.
#   sipvicious_unblocked  the same with the User-Agent screening off
#                         (scanners: []), to test the layers behind it:
#                         svwar (REGISTER and INVITE) still enumerates
#                         nothing (the same 401/407 for every number) and
#                         svcrack is banned by the failed-authentication
#                         limit after 10 guesses, long before word 500.

SV_WORDS=1000 # svcrack's dictionary size
SV_RIGHT=500  # where the right password is in it

# sv TOOL ARGS...: the SIPVicious tool TOOL (svmap, svwar, svcrack) under
# its Debian or upstream name, bound to 127.0.0.1 on a port of its own, in
# $DIR; output to $DIR/TOOL.N.out (N counts runs), the last path in SV_OUT.
sv() {
	local tool=$1 bin
	shift
	bin=$(command -v "sipvicious_$tool" || command -v "$tool") || { fail "$tool not found: apt-get install sipvicious"; return 1; }
	alloc_ports 1
	SV_RUN=$((${SV_RUN:-0} + 1))
	SV_OUT=$DIR/$tool.$SV_RUN.out
	echo "$bin -b 127.0.0.1 -P $PORT $*" >"$SV_OUT.cmd"
	(cd "$DIR" && timeout 120 "$bin" -b 127.0.0.1 -P "$PORT" "$@") >"$SV_OUT" 2>&1 || true
}

# sv_found_nothing WHAT: the last tool's output says it found nothing, and
# lists no extension or password.
sv_found_nothing() {
	grep -q 'found nothing' "$SV_OUT" && ! grep -qE '^\| *[0-9]' "$SV_OUT" && return 0
	fail "$1: $(grep -vE '^\s*$' "$SV_OUT" | tail -3 | tr '\n' ' ' | cut -c1-300)"
}

# scan_ringd [SIP_EXTRA_YAML]: ringd with no trusted network, two
# extensions, the admin API; the argument goes under sip:.
scan_ringd() {
	CFG_API=1 CFG_TRUSTED="" CFG_SIP="${1:-}" RINGD_LOG_LEVEL=info write_config <<-EOF
		extensions:
		  - { number: "1001", name: Alice, password: s3cret-1001 }
		  - { number: "1005", name: Bob, password: s3cret-1005 }
	EOF
	check_config && serve_api
}

# words: svcrack's dictionary, $DIR/words.txt.
words() {
	local i
	for ((i = 1; i <= SV_WORDS; i++)); do
		if ((i == SV_RIGHT)); then echo s3cret-1001; else echo "guess$i"; fi
	done >"$DIR/words.txt"
}

# unban: lift any ban of 127.0.0.1 (204, or 404 when there was none).
unban() {
	local code
	code=$(api DELETE /api/v1/bans/127.0.0.1)
	code=${code%% *}
	[[ $code == 204 || $code == 404 ]] || fail "DELETE /api/v1/bans/127.0.0.1: $code"
}

case_sipvicious_blocked() {
	scan_ringd || return
	words
	sv svmap -p "$RINGD_PORT" 127.0.0.1
	sv_found_nothing "svmap found ringd"
	local scanner
	scanner=$(metric 'ringd_sip_rejected_total{reason="scanner"}')
	((${scanner:-0} >= 1)) || fail "svmap's OPTIONS not dropped as a scanner's (rejected{scanner}=${scanner:-none})"
	unban
	sv svwar --force --domain ringd.local -e 1000-1010 -p "$RINGD_PORT" 127.0.0.1
	sv_found_nothing "svwar enumerated"
	unban
	sv svcrack -u 1001 -d "$DIR/words.txt" --domain ringd.local -p "$RINGD_PORT" 127.0.0.1
	sv_found_nothing "svcrack cracked"
	local answered
	answered=$(metric 'ringd_sip_requests_total{method="REGISTER"}')
	((${answered:-0} == 0)) || fail "ringd served $answered REGISTERs of the scanners"
	scanner=$(metric 'ringd_sip_rejected_total{reason="scanner"}')
	NOTE="svmap, svwar, svcrack found nothing: all $scanner of their requests dropped unanswered as a scanner's"
}

case_sipvicious_unblocked() {
	scan_ringd "protection: { scanners: [] }" || return
	words
	sv svwar --force --domain ringd.local -e 1000-1010 -p "$RINGD_PORT" 127.0.0.1
	sv_found_nothing "svwar (REGISTER) enumerated"
	sv svwar --force -m INVITE --domain ringd.local -e 1000-1010 -p "$RINGD_PORT" 127.0.0.1
	sv_found_nothing "svwar (INVITE) enumerated"
	unban
	local before
	before=$(metric 'ringd_sip_requests_total{method="REGISTER"}')
	sv svcrack -u 1001 -d "$DIR/words.txt" --domain ringd.local -p "$RINGD_PORT" 127.0.0.1
	sv_found_nothing "svcrack cracked"
	local bans fails served
	bans=$(metric 'ringd_bans_total{reason="auth_failures"}')
	fails=$(metric 'ringd_sip_auth_failures_total')
	served=$(($(metric 'ringd_sip_requests_total{method="REGISTER"}') - ${before:-0}))
	((${bans:-0} == 1)) || fail "svcrack not banned for failed authentications (ringd_bans_total{auth_failures}=${bans:-none})"
	((${fails:-0} == 10)) || fail "ringd_sip_auth_failures_total=${fails:-none}, want 10 (the ban at the 10th)"
	((served < SV_RIGHT)) || fail "ringd served $served of svcrack's REGISTERs: the right password (word $SV_RIGHT) was within reach"
	NOTE="svwar found nothing by REGISTER or INVITE; svcrack banned after $fails failed guesses ($served REGISTERs served of $SV_WORDS words, $(metric 'ringd_sip_rejected_total{reason="banned"}') dropped after)"
}
