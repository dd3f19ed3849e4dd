#!/usr/bin/env bash
# make fuzz: coverage-guided fuzzing of every fuzz target with AFL++.
#
#   FUZZ_SECONDS=N   seconds per target (default 120)
#   FUZZ_TARGETS="a b"  only these targets (default: every fuzz/*_corpus)
#
# Builds the targets in build-afl (the whole tree instrumented by GCC's
# -fsanitize-coverage=trace-pc, with AddressSanitizer and UBSan; see
# fuzz/afl_bridge.cc), runs afl-fuzz on each, starting from its checked-in
# corpus, then grows that corpus with what AFL found: the union of the old
# corpus and AFL's queue, minimised by afl-cmin, so only inputs that reach
# new edges are added (as afl-<hash>). A crash is copied into the corpus as
# crash-<hash>, so `make test` replays it from then on, and its sanitizer
# report is printed; the script then exits non-zero. Figures per target
# (executions, edges, crashes, hangs) go to build-afl/fuzz-report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
B=$SRC/build-afl
SECS=${FUZZ_SECONDS:-120}

bash scripts/setup.sh
targets=${FUZZ_TARGETS:-$(cd fuzz && ls -d *_corpus | sed 's/_corpus$//')}

mkdir -p "$B"
echo "fuzz: building ${targets//$'\n'/ } in build-afl"
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKG_SANITIZE=ON -DKG_TESTS=OFF \
  -DKG_FUZZ_AFL=ON $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache) \
  >"$B/cmake.log" 2>&1 || { cat "$B/cmake.log"; exit 1; }
ninja -C "$B" $(for t in $targets; do printf 'fuzz_%s ' "$t"; done) >"$B/build.log" 2>&1 ||
  { tail -40 "$B/build.log"; exit 1; }

# No UI, no CPU pinning (the machine is shared), and no core_pattern demands.
export AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_CRASHES=1 AFL_NO_WARN_INSTABILITY=1
export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0
report=$B/fuzz-report.txt
: >"$report"
crashed=0
for t in $targets; do
  bin=$(find "$B/src" -name "fuzz_$t" -type f -perm -u+x | head -1)
  corpus=$SRC/fuzz/${t}_corpus
  out=$B/findings/$t
  rm -rf "$out"; mkdir -p "$B/findings"
  echo "fuzz: $t for ${SECS}s"
  afl-fuzz -i "$corpus" -o "$out" -V "$SECS" -t 1000+ -- "$bin" >"$B/afl-$t.log" 2>&1 ||
    { echo "fuzz: afl-fuzz failed for $t (see $B/afl-$t.log)"; tail -5 "$B/afl-$t.log"; crashed=1; continue; }
  stats=$out/default/fuzzer_stats
  get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
  # Grow the corpus: the minimal set covering every edge of old corpus + queue.
  # (afl-cmin refuses to work under /tmp.)
  mix=$B/cmin-$t-in min=$B/cmin-$t-out
  rm -rf "$mix" "$min"; mkdir -p "$mix"
  cp "$corpus"/* "$mix"/ 2>/dev/null || true
  for f in "$out"/default/queue/id:*; do cp "$f" "$mix/q-$(sha1sum <"$f" | cut -c1-12)"; done
  added=0
  if afl-cmin -i "$mix" -o "$min" -- "$bin" >"$B/cmin-$t.log" 2>&1; then
    for f in "$min"/*; do
      h=$(sha1sum <"$f" | cut -c1-12)
      if ! cmp -s "$f" "$corpus/$(basename "$f")" && ! sha1sum "$corpus"/* | grep -q "^$h"; then
        cp "$f" "$corpus/afl-$h"; added=$((added + 1))
      fi
    done
  fi
  rm -rf "$mix" "$min"
  ncrash=0
  for f in "$out"/default/crashes/id:*; do
    [ -f "$f" ] || continue
    h=$(sha1sum <"$f" | cut -c1-12)
    cp "$f" "$corpus/crash-$h"; ncrash=$((ncrash + 1)); crashed=1
    echo "fuzz: $t crashed on fuzz/${t}_corpus/crash-$h:"
    ASAN_OPTIONS=symbolize=1 "$bin" "$f" 2>&1 | grep -E "ERROR|runtime error|#[0-9] " | head -12 || true
  done
  line=$(printf '%-14s %6ss %10s execs %7s/s  edges %6s  corpus +%d  crashes %d  hangs %s' "$t" "$SECS" \
    "$(get execs_done)" "$(get execs_per_sec)" "$(get edges_found)" "$added" "$ncrash" "$(get saved_hangs)")
  echo "$line" | tee -a "$report"
done
echo "fuzz: report in $report"
exit $crashed
