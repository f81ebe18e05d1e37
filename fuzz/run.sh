#!/bin/sh
# Builds the libFuzzer harnesses fuzz/fuzz_*.c against the library's own sources
# (compiled by the Makefile's rules with clang, ASan + UBSan and fuzzer coverage)
# and runs each from its committed seed corpus.
#
#   fuzz/run.sh [-seconds N] [-runs N] [-jobs N] [harness ...]  (default: every harness)
#
# Environment: FUZZ_SECONDS (default 10) or FUZZ_RUNS (a run count per harness,
# used instead of the time limit: the short run of `make test`; FUZZ_MAX_SECONDS, when
# set, still caps each harness's time, whichever limit comes first); FUZZ_JOBS (-jobs:
# harnesses run at once, default 1); FUZZ_CC (default clang); FUZZ_BUILD_DIR (default
# build/fuzz); MAKE.
#
# Prints, per harness, its executions and crashes, then
#   fuzz: N harnesses, N executions, N crashes
#   fuzz: N passed, N failed
# (one test per harness: failed when it crashed, leaked, timed out or hit UB), and
# exits 1 on any failure. A crash leaves its input in
# $FUZZ_BUILD_DIR/artifacts/<harness>/: commit it under tests/fuzz_regressions/<harness>/
# (see fuzz/README.md). New inputs libFuzzer finds go to $FUZZ_BUILD_DIR/corpus/, never
# into the committed corpus.
set -u
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-10}"
runs="${FUZZ_RUNS:-}"
cc="${FUZZ_CC:-clang}"
bdir="${FUZZ_BUILD_DIR:-build/fuzz}"
jobs="${FUZZ_JOBS:-1}"
one=""
names=""
while [ $# -gt 0 ]; do
    case "$1" in
    -seconds) seconds="$2"; runs=""; shift 2 ;;
    -runs) runs="$2"; shift 2 ;;
    -jobs) jobs="$2"; shift 2 ;;
    -one) one="$2"; shift 2 ;; # internal: run one built harness (the -jobs workers)
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) names="$names ${1#fuzz_}"; shift ;;
    esac
done
if [ -z "$names" ]; then
    for f in fuzz/fuzz_*.c; do
        n=$(basename "$f" .c)
        names="$names ${n#fuzz_}"
    done
fi

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "fuzz: $cc not found (Debian: apt-get install clang, or run 'make deps' as root)" >&2
    exit 1
fi

# The library, built by the Makefile from the same sources as every other build.
# ZKF_NO_ASM: clang 14 rejects __builtin_cpu_supports("adx") in prover/field.h, so the
# fuzz build uses the portable field product (tests/prover/test_fields.c checks both agree).
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if [ -z "$one" ]; then
    "${MAKE:-make}" --no-print-directory -j2 BUILD_DIR="$bdir" CC="$cc" SANITIZE=1 \
        EXTRA_CFLAGS="-fsanitize=fuzzer-no-link -DZKF_NO_ASM" "$bdir/san/libzkrelay.a" >&2 || {
        echo "fuzz: building the library with $cc failed" >&2
        exit 1
    }
fi
lib="$bdir/san/libzkrelay.a"
libs="$(pkg-config --libs libsecp256k1 jansson libcurl libcrypto 2>/dev/null ||
    echo -lsecp256k1 -ljansson -lcurl -lcrypto) -lleveldb -lpthread -lm"
cflags="-std=c11 -O1 -g -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes \
    -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DZKF_NO_ASM -I."
mkdir -p "$bdir/fuzz" "$bdir/logs"

# Builds harness $1 when its binary is missing or stale. Returns non-zero on failure.
build_one() {
    src="fuzz/fuzz_$1.c"
    bin="$bdir/fuzz/fuzz_$1"
    [ -f "$src" ] || return 1
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ fuzz/fuzz.h -nt "$bin" ] || [ "$lib" -nt "$bin" ]; then
        # shellcheck disable=SC2086
        "$cc" $cflags -fsanitize=fuzzer $san -o "$bin" "$src" "$lib" $libs || return 1
    fi
}

# Runs harness $1 and writes "<execs> <crashes> <exit status>" to $bdir/logs/$1.result.
run_one() {
    n="$1"
    bin="$bdir/fuzz/fuzz_$n"
    work="$bdir/corpus/$n"
    art="$bdir/artifacts/$n"
    mkdir -p "$work" "$art"
    seeds="fuzz/corpus/$n"
    regs=""
    [ -d "tests/fuzz_regressions/$n" ] && regs="tests/fuzz_regressions/$n"
    if [ -n "$runs" ]; then
        limit="-runs=$runs"
        [ -n "${FUZZ_MAX_SECONDS:-}" ] && limit="$limit -max_total_time=$FUZZ_MAX_SECONDS"
    else
        limit="-max_total_time=$seconds"
    fi
    before=$(ls "$art" | wc -l)
    log="$bdir/logs/$n.log"
    # shellcheck disable=SC2086
    ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" UBSAN_OPTIONS="print_stacktrace=1" \
        "$bin" $limit -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art/" "$work" "$seeds" $regs >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    [ -n "$execs" ] || execs=0
    crashes=$(($(ls "$art" | wc -l) - before))
    [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
    echo "$execs $crashes $rc" >"$bdir/logs/$n.result"
}

if [ -n "$one" ]; then
    run_one "$one"
    exit 0
fi

passed=0
failed=0
total_execs=0
total_crashes=0
count=0
runnable=""
for n in $names; do
    rm -f "$bdir/logs/$n.result"
    if build_one "$n"; then
        runnable="$runnable $n"
    else
        echo "fuzz_$n: no harness fuzz/fuzz_$n.c, or its build failed" >&2
    fi
done
if [ "$jobs" -gt 1 ]; then
    # shellcheck disable=SC2086
    printf '%s\n' $runnable | FUZZ_RUNS="$runs" FUZZ_SECONDS="$seconds" FUZZ_BUILD_DIR="$bdir" \
        FUZZ_CC="$cc" xargs -P "$jobs" -n 1 sh fuzz/run.sh -one
else
    for n in $runnable; do run_one "$n"; done
fi
for n in $names; do
    count=$((count + 1))
    art="$bdir/artifacts/$n"
    if [ ! -f "$bdir/logs/$n.result" ]; then
        echo "fuzz_$n: build failed or did not run"
        failed=$((failed + 1))
        continue
    fi
    read -r execs crashes rc <"$bdir/logs/$n.result"
    total_execs=$((total_execs + execs))
    total_crashes=$((total_crashes + crashes))
    echo "fuzz_$n: $execs executions, $crashes crashes"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        failed=$((failed + 1))
        echo "  exit $rc; log $bdir/logs/$n.log; new artifacts in $art/:"
        ls -t "$art" | head -n "$crashes" | sed "s|^|    $art/|"
        grep -E 'ERROR: |SUMMARY: |runtime error|fuzz invariant failed' "$bdir/logs/$n.log" |
            head -n 5 | sed 's/^/    /'
    else
        passed=$((passed + 1))
    fi
done
echo "fuzz: $count harnesses, $total_execs executions, $total_crashes crashes"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
