#!/bin/sh
# Runs every test binary given as an argument and adds their counts into one
# closing line "total: N passed, N failed". Exits 1 when any test failed or a
# binary crashed (a crash counts as one failure of that binary).
set -u
export ZK_ANVIL="${ZK_ANVIL:-$(pwd)/tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}"
passed=0
failed=0
crashed=""
for t in "$@"; do
    out=$("$t" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -v '^[a-z0-9_]*: [0-9]* passed, [0-9]* failed$' | sed 's/^/  /'
    line=$(printf '%s\n' "$out" | grep -E '^[a-z0-9_]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ -z "$line" ]; then
        echo "$(basename "$t"): crashed or printed no summary (exit $rc)"
        failed=$((failed + 1))
        crashed="$crashed $(basename "$t")"
        continue
    fi
    echo "$line"
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
    f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$(basename "$t"): exit status $rc with no failed test"
        failed=$((failed + 1))
    fi
done
[ -n "$crashed" ] && echo "crashed:$crashed"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
