#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and runs each for ZPO_FUZZ_SECONDS
# (default 30) over its committed corpus, tests/fuzz/corpus/<target>/. New inputs the fuzzer finds go to a temp
# directory, never into the repository. Fails when a target crashes, leaks, hangs or breaks one of its
# invariants, and prints where the crashing input was saved and how to replay it. Ends with a table: executions,
# executions per second, coverage and corpus size per target.
#
#   scripts/fuzz.sh                       every target, 30 s each
#   ZPO_FUZZ_SECONDS=300 scripts/fuzz.sh signer watch_stream
#
# ZPO_FUZZ_BUILD_DIR (default build-fuzz) is the clang build tree, where crashing inputs are kept
# (crashes-<target>/); ZPO_FUZZ_KEEP=DIR keeps the grown corpora and the logs in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

seconds="${ZPO_FUZZ_SECONDS:-30}"
build="${ZPO_FUZZ_BUILD_DIR:-build-fuzz}"
all_targets=(zenlayer_reply watch_stream kubeconfig signer)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

cxx="$(command -v clang++-14 || command -v clang++ || true)"
if [ -z "$cxx" ]; then
  echo "fuzz: clang++ not found (scripts/install-deps.sh installs clang-14 and libclang-rt-14-dev)" >&2
  exit 1
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

echo "== fuzz build ($cxx, ASan + UBSan + libFuzzer) in $build"
cmake -S tests/fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" >/dev/null
cmake --build "$build" -j2 --target $(printf 'fuzz_%s ' "${targets[@]}")

work="${ZPO_FUZZ_KEEP:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
# Readable stack traces: Debian's llvm-14 installs the symbolizer under a versioned name only.
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# A figure from libFuzzer's -print_final_stats ("stat::average_exec_per_sec: 812"), empty when absent.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

failed=()
rows=()
for target in "${targets[@]}"; do
  seeds="tests/fuzz/corpus/$target"
  grown="$work/corpus-$target"
  artifacts="$build/crashes-$target"  # kept after the run, for the replay
  log="$work/$target.log"
  rm -rf "$artifacts"
  mkdir -p "$grown" "$artifacts"
  dict=()
  case "$target" in
    zenlayer_reply | watch_stream) dict=(-dict=tests/fuzz/dict/json.dict) ;;
    kubeconfig) dict=(-dict=tests/fuzz/dict/yaml.dict) ;;
  esac
  echo "== fuzz $target: ${seconds}s over $(find "$seeds" -type f | wc -l) seed inputs"
  # New units go to $grown (the first directory); the committed seeds are only read. TMPDIR: the kubeconfig
  # target writes its file there. -timeout: an input that takes 10 s is a hang.
  rc=0
  TMPDIR="$work" "$build/fuzz_$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$artifacts/" "$grown" "$seeds" >"$log" 2>&1 || rc=$?
  last="$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
  corp="$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")"
  rows+=("$(printf '%-15s %6ss %10s %9s %6s %12s %8s' "$target" "$seconds" "$(stat number_of_executed_units "$log")" \
    "$(stat average_exec_per_sec "$log")" "${cov:-?}" "${corp:-?}" "$(stat peak_rss_mb "$log")MB")")
  if [ $rc -ne 0 ]; then
    failed+=("$target")
    echo "fuzz $target FAILED (exit $rc):" >&2
    { grep -E 'invariant violated|ERROR: |runtime error|SUMMARY|^    #[0-9]' "$log" || tail -40 "$log"; } | head -40 >&2 || true
    for crash in "$artifacts"/*; do
      [ -e "$crash" ] || continue
      echo "crashing input (base64): $(base64 -w0 <"$crash")" >&2
      echo "replay: $build/fuzz_$target $crash" >&2
    done
  fi
done

echo
printf '%-15s %7s %10s %9s %6s %12s %8s\n' target time execs "execs/s" cov "corpus" "rss"
printf '%s\n' "${rows[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: ${#failed[@]} of ${#targets[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran ${seconds}s each without a crash"
