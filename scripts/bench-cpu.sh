#!/usr/bin/env bash
# Runs the CPU benchmark suites (JMH) and writes their results beside a note of the machine:
#   benchmarks/results/cpu-<host>-<date>.{json,txt}
# Suites: DF11 encode/decode with zstd 3/19 side by side (codec), matrix-vector vs plain memory read, and
# generation tokens/s on stories15M in BF16 and DF11. Extra arguments go to JMH (e.g. -f 2 for more forks).
# Run it on a quiet machine: JMH measures wall time, so other load shows up as noise.
# For every backend at once and the HTML/Markdown report with charts: scripts/bench-report.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/jdk.sh"
source "$root/scripts/lib/machine.sh"
cd "$root"

export DF11_STORIES15M_DIR="${DF11_STORIES15M_DIR:-$("$root/scripts/fetch-stories15M.sh" --print-dir)}"
mvn -B -q -ntp package -DskipTests -pl benchmarks -am

mkdir -p benchmarks/results
stamp="cpu-$(hostname -s)-$(date -u +%Y%m%dT%H%MZ)"
{
  df11_machine_note
} | tee "benchmarks/results/$stamp.txt"

java -jar benchmarks/target/benchmarks.jar \
  'dev.df11.bench.codec.*' 'dev.df11.bench.runtime.MatVecBandwidthBenchmark' 'dev.df11.bench.runtime.GenerationBenchmark' \
  -rf json -rff "benchmarks/results/$stamp.json" "$@" 2>&1 | tee -a "benchmarks/results/$stamp.txt"
echo "results: benchmarks/results/$stamp.json" >&2
