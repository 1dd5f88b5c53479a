# shellcheck shell=bash
# bench/internal/sh/common.sh: what the bench scripts that start their own
# servers share; sourced, not run.
#
#   install_missing PKG...   apt-get install the Debian packages named
#                            (nothing when none), with sudo -n unless root
#   make_work NAME KEPT      a work directory in $WORK; the EXIT trap kills
#                            every process in PIDS and removes WORK once
#                            the script set OK=1 (unless KEEP=1), or else
#                            says "KEPT: $WORK"

install_missing() {
	(($# > 0)) || return 0
	echo "installing from Debian: $*"
	local s=()
	[[ $(id -u) == 0 ]] || s=(sudo -n)
	"${s[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${s[@]}" apt-get install -y -qq "$@" >/dev/null
}

make_work() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	WORK_KEPT=$2
	PIDS=() # every background process the script started
	OK=0    # set when the run succeeded: the work dir is removed unless KEEP=1
	trap cleanup_work EXIT
	trap 'exit 130' INT TERM
}

cleanup_work() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if ((OK == 1)) && [[ ${KEEP:-} != 1 ]]; then
		rm -rf "$WORK"
	else
		echo "$WORK_KEPT: $WORK"
	fi
}
