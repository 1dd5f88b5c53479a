# The case bookkeeping of the e2e suites (bench/sipp/run.sh,
# bench/phones/run.sh), sourced by them: each case ends with one PASS or
# FAIL line, the suite with "N passed, N failed".
CASE=""   # current case name
DIR=""    # its log directory
ERRORS=() # reasons it failed
NOTE=""   # figures for its PASS line
PASSED=0
FAILED=0

fail() { ERRORS+=("$*"); }

# verdict T0: the PASS or FAIL line of the current case, which started at
# T0 (${EPOCHREALTIME/[.,]/}, microseconds), and its count.
verdict() {
	local ms=$(((${EPOCHREALTIME/[.,]/} - $1) / 1000))
	if ((${#ERRORS[@]} == 0)); then
		printf 'PASS %s (%d.%d s)%s\n' "$CASE" $((ms / 1000)) $((ms % 1000 / 100)) "${NOTE:+: $NOTE}"
		PASSED=$((PASSED + 1))
	else
		local why
		why=$(printf '%s; ' "${ERRORS[@]}")
		echo "FAIL $CASE: ${why%; } (logs: $DIR)${NOTE:+; figures: $NOTE}"
		FAILED=$((FAILED + 1))
	fi
}
