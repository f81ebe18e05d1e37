#!/bin/sh
# make reliability (issue 8): runs the reliability scenarios tests/reliability/rel_*
# given as arguments (built like tests, with the harness), then `make fuzz`, and writes
# the summary reliability-report.txt (docs/reliability.md).
#
#   tests/reliability/run.sh BIN...
#
# Environment:
#   REL_FUZZ_SECONDS   seconds per fuzz harness (default 60; 0 skips fuzzing); with
#                      REL_FUZZ_RUNS, the cap on each harness's time
#   REL_FUZZ_RUNS      executions per fuzz harness (e.g. 10000000, the issue's goal); a
#                      harness stops at whichever of the two limits comes first
#   REL_FUZZ_PARALLEL  1 (default on 2 or more CPUs): the fuzz run goes in the background
#                      beside the scenarios, and the report waits for both
#   REL_FUZZ_JOBS      fuzz harnesses run at once (default 1)
#   REL_REPORT         the report's path (default reliability-report.txt)
#   REL_LOG_DIR        each program's full output (default build/reliability-logs)
#   ZK_TEST_SEED       the seed of every program (delays, fault schedules); printed
#   REL_MESSAGES, REL_KILLS, REL_BATCH, REL_KILL_MIN_MS, REL_KILL_MAX_MS,
#   REL_FAULT_MESSAGES, REL_FAULTS, REL_FINAL_TIMEOUT_S: the scenarios' parameters
#   (the defaults are the issue's long run: 20 messages, 50 SIGKILLs). A reduced run:
#     REL_MESSAGES=4 REL_KILLS=8 REL_BATCH=2 REL_KILL_MAX_MS=40000 REL_FUZZ_SECONDS=5
#   ZK_BIN, ZK_DEVNET_BIN, ZK_ANVIL, ZK_VECTORS (the Makefile sets them), MAKE, BUILD_DIR
#
# Each program prints one "rel-counters:" line and ends with "<name>: N passed, N failed";
# a program that crashed or printed no counters counts as failed. Exits 1 when any program
# failed, a message was lost or duplicated, a forgery was accepted or the fuzzers crashed.
set -u
cd "$(dirname "$0")/../.."
export ZK_ANVIL="${ZK_ANVIL:-$(pwd)/tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}"
report="${REL_REPORT:-reliability-report.txt}"
logs="${REL_LOG_DIR:-build/reliability-logs}"
fuzz_seconds="${REL_FUZZ_SECONDS:-60}"
mkdir -p "$logs"
counters="$logs/counters.txt"
: >"$counters"
programs=""
failed_programs=0
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)

fuzz_runs="${REL_FUZZ_RUNS:-}"
ncpu=$(nproc 2>/dev/null || echo 1)
fuzz_parallel="${REL_FUZZ_PARALLEL:-$([ "$ncpu" -ge 2 ] && echo 1 || echo 0)}"
fuzz_log="$logs/fuzz.log"
fuzz_pid=""
# The fuzz run: FUZZ_RUNS executions per harness when given (FUZZ_MAX_SECONDS caps each
# harness's time), else FUZZ_SECONDS per harness.
fuzz_start() {
    echo "== make fuzz (${fuzz_runs:+$fuzz_runs runs, at most }$fuzz_seconds s per harness; log $fuzz_log)"
    "${MAKE:-make}" --no-print-directory fuzz FUZZ_SECONDS="$fuzz_seconds" FUZZ_RUNS="$fuzz_runs" \
        FUZZ_MAX_SECONDS="$fuzz_seconds" FUZZ_JOBS="${REL_FUZZ_JOBS:-1}" \
        BUILD_DIR="${BUILD_DIR:-build}" >"$fuzz_log" 2>&1
}
if [ "$fuzz_seconds" -gt 0 ] && [ "$fuzz_parallel" = 1 ]; then
    fuzz_start &
    fuzz_pid=$!
fi

for bin in "$@"; do
    name=$(basename "$bin")
    log="$logs/$name.log"
    echo "== $name (log $log)"
    s0=$(date +%s)
    "$bin" >"$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - s0))
    grep -E '^  \[e2e|^  [a-z ]+ +(native|builder|R1CS):|^kill loop:|random seed' "$log" |
        sed 's/^/  /'
    line=$(grep -E '^[a-z0-9_]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    c=$(grep '^rel-counters:' "$log" | tail -n 1)
    seed=$(sed -n 's/.*random seed \([0-9]*\).*/\1/p' "$log" | head -n 1)
    if [ -z "$line" ] || [ -z "$c" ]; then
        echo "$name: crashed or printed no summary (exit $rc)"
        failed_programs=$((failed_programs + 1))
        line="$name: crashed (exit $rc)"
    else
        echo "$line"
        f=$(echo "$line" | sed -E 's/.*: [0-9]+ passed, ([0-9]+) failed/\1/')
        if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then failed_programs=$((failed_programs + 1)); fi
        echo "$c" >>"$counters"
    fi
    programs="$programs
  $line  (${secs} s, seed ${seed:-none drawn})"
done

fuzz_line="fuzz: skipped (REL_FUZZ_SECONDS=0)"
fuzz_execs=0
fuzz_crashes=0
fuzz_failed=0
if [ "$fuzz_seconds" -gt 0 ]; then
    if [ -n "$fuzz_pid" ]; then
        echo "== waiting for the fuzz run (log $fuzz_log)"
        wait "$fuzz_pid"
        frc=$?
    else
        fuzz_start
        frc=$?
    fi
    grep -E '^fuzz' "$fuzz_log" | sed 's/^/  /'
    fuzz_line=$(grep -E '^fuzz: [0-9]+ harnesses' "$fuzz_log" | tail -n 1)
    if [ -z "$fuzz_line" ]; then
        fuzz_line="fuzz: did not run (exit $frc, see $fuzz_log)"
        fuzz_failed=1
    else
        fuzz_execs=$(echo "$fuzz_line" | sed -E 's/.*, ([0-9]+) executions.*/\1/')
        fuzz_crashes=$(echo "$fuzz_line" | sed -E 's/.*, ([0-9]+) crashes.*/\1/')
        [ "$frc" -ne 0 ] && fuzz_failed=1
    fi
fi

# Sums every key=value counter over the programs' lines.
sum() { awk -v k="$1" '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) s += kv[2] } }
    END { print s + 0 }' "$counters"; }
faults=$(sum faults)
kills=$(sum kills)
messages=$(sum messages)
lost=$(sum lost)
dup=$(sum duplicated)
extra=$(sum extra_txs)
forg=$(sum forgeries)
acc=$(sum forgeries_accepted)
alarms=$(sum alarms)
elapsed=$(($(date +%s) - t0))

{
    echo "zkrelay reliability report (issue 8)"
    echo "started $started, ${elapsed} s, commit $(git rev-parse --short HEAD 2>/dev/null || echo ?)"
    echo "parameters: REL_MESSAGES=${REL_MESSAGES:-20} REL_KILLS=${REL_KILLS:-50}" \
        "REL_BATCH=${REL_BATCH:-5} REL_KILL_MIN_MS=${REL_KILL_MIN_MS:-1000}" \
        "REL_KILL_MAX_MS=${REL_KILL_MAX_MS:-60000} REL_FAULT_MESSAGES=${REL_FAULT_MESSAGES:-3}" \
        "REL_FAULTS=${REL_FAULTS:-40} REL_FUZZ_SECONDS=$fuzz_seconds REL_FUZZ_RUNS=${fuzz_runs:-none}" \
        "ZK_TEST_SEED=${ZK_TEST_SEED:-random}"
    echo
    echo "faults injected:     $faults"
    echo "relayer SIGKILLs:    $kills"
    echo "messages:            $messages"
    echo "lost:                $lost"
    echo "duplicated:          $dup"
    echo "extra transactions:  $extra"
    echo "forgeries tried:     $forg"
    echo "accepted forgeries:  $acc"
    echo "safety alarms/freezes (expected): $alarms"
    echo "fuzz executions:     $fuzz_execs"
    echo "fuzz crashes:        $fuzz_crashes"
    echo
    echo "programs:$programs"
    echo "  $fuzz_line"
    grep -E '^fuzz_[a-z0-9_]+: [0-9]+ executions' "$fuzz_log" 2>/dev/null | sed 's/^/    /'
    echo
    echo "per scenario:"
    sed 's/^rel-counters: /  /' "$counters"
} >"$report"
echo "== $report"
cat "$report"

bad=$((failed_programs + lost + dup + acc + fuzz_crashes + fuzz_failed))
[ "$bad" -eq 0 ]
