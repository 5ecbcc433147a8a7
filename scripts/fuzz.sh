#!/usr/bin/env bash
# Fuzzes the readers that face input Tandem does not control (docs/FUZZING.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    default: 120 s for each target
#
# Builds `tandem-fuzz` with libFuzzer and the address sanitizer (in
# .build-fuzz, apart from the normal build), then runs each harness for
# SECONDS with its committed seeds (Fuzz/corpus/TARGET) and past crashes
# (Fuzz/regressions/TARGET). The corpus grows in a scratch folder, not in
# the tree. A crash leaves its input in .build-fuzz/crashes/TARGET/; copy it
# into Fuzz/regressions/TARGET/ with the fix, so every test run replays it.
# Prints one summary line per target: executions, coverage, crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(documents arrow-import config change-log); fi

swift build --scratch-path .build-fuzz --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING --product tandem-fuzz >&2
bin="$(swift build --scratch-path .build-fuzz --sanitize fuzzer --sanitize address --show-bin-path)/tandem-fuzz"

status=0
for target in "${targets[@]}"; do
    work=".build-fuzz/corpus/$target"
    crashes=".build-fuzz/crashes/$target"
    mkdir -p "$work" "$crashes" "Fuzz/regressions/$target"
    log=".build-fuzz/$target.log"
    set +e
    TANDEM_FUZZ_TARGET="$target" "$bin" "$work" "Fuzz/corpus/$target" "Fuzz/regressions/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$crashes/" >"$log" 2>&1
    code=$?
    set -e
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')"
    found="$(find "$crashes" -type f | wc -l)"
    echo "$target: $runs executions in ${seconds} s, coverage $cov edges, exit $code, crash inputs $found (in $crashes; log $log)"
    if [ "$code" -ne 0 ]; then status=1; fi
done
exit $status
