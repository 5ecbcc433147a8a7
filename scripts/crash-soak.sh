#!/usr/bin/env bash
# The long version of the crash test: kill -9 the engine at random moments
# for ROUNDS rounds (default 500) while two writer processes keep writing,
# then check both sides row for row.
#   scripts/crash-soak.sh 1000
set -euo pipefail
cd "$(dirname "$0")/.."
TANDEM_SOAK_ROUNDS="${1:-500}" swift test --filter 'CrashTests'
