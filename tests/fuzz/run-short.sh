#!/usr/bin/env bash
# run-short.sh - a bounded fuzz run of the parser for `make check`:
# builds $BUILD/fuzz_parser with clang (libFuzzer) and runs it ~5 seconds
# over the seed corpus (tests/fuzz/corpus) and the fixtures (tests/data).
# Fails on any crash, leak or sanitizer report. Skips without clang.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
secs=${FUZZ_SECONDS:-5}

if ! command -v clang >/dev/null 2>&1; then
  echo "SKIPPED: clang not installed"
  exit 77
fi
if ! make -s BUILD="$BUILD" "$BUILD/fuzz_parser" >"${TMPDIR:-/tmp}/fuzz-build.$$" 2>&1; then
  if grep -q 'fuzzer' "${TMPDIR:-/tmp}/fuzz-build.$$" && ! grep -q 'error:' "${TMPDIR:-/tmp}/fuzz-build.$$"; then
    rm -f "${TMPDIR:-/tmp}/fuzz-build.$$"
    echo "SKIPPED: clang cannot link libFuzzer (libclang-rt missing?)"
    exit 77
  fi
  cat "${TMPDIR:-/tmp}/fuzz-build.$$"
  rm -f "${TMPDIR:-/tmp}/fuzz-build.$$"
  echo "fuzz_parser did not build"
  exit 1
fi
rm -f "${TMPDIR:-/tmp}/fuzz-build.$$"

# New inputs go to a scratch dir, never into the committed seed corpus.
work=$(mktemp -d "${TMPDIR:-/tmp}/lsw-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$BUILD/fuzz_parser" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/" "$work" tests/fuzz/corpus tests/data 2>&1 | tail -n 20
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$a" ] && { echo "artifact: $a"; od -c "$a" | head -20; }
  done
  echo "fuzz_parser failed (rc $rc)"
  exit 1
fi
echo "fuzz_parser: ${secs}s without a crash"
