#!/bin/sh
# Runs every benchmark binary; each prints its own figures. The Makefile tees the
# output into bench-results.txt.
set -u
echo "# zkrelay bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $(nproc) cores"
echo "# $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
rc=0
for b in "$@"; do
    "$b" || rc=1
done
exit $rc
