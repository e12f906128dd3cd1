#!/usr/bin/env bash
# The serving benchmark: df11 serve's continuous-batching scheduler at concurrency 1, 4, 16 and 64, BF16 and DF11
# side by side, on the CPU; the table goes to stdout and, with a note of the machine and its load, to
#   benchmarks/results/cpu-<host>-<date>-serving.txt
# Arguments (all optional): models (default stories15M-bf16,stories15M-df11, or model folder paths such as a
# `df11 synthetic --shape llama-3.2-1b` folder and its compressed copy), concurrencies, tokens per request,
# requests per client, threads, context.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/jdk.sh"
source "$root/scripts/lib/machine.sh"
cd "$root"

export DF11_STORIES15M_DIR="${DF11_STORIES15M_DIR:-$("$root/scripts/fetch-stories15M.sh" --print-dir)}"
mvn -B -q -ntp package -DskipTests -pl benchmarks -am

mkdir -p benchmarks/results
stamp="cpu-$(hostname -s)-$(date -u +%Y%m%dT%H%MZ)-serving"
{
  df11_machine_note
  echo "args:    $*"
} | tee "benchmarks/results/$stamp.txt"
java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx"${DF11_HEAP:-8g}" \
  -cp benchmarks/target/benchmarks.jar dev.df11.bench.runtime.ServingBenchmark "$@" 2>&1 \
  | grep --line-buffered -v "^WARNING: Using incubator modules" | tee -a "benchmarks/results/$stamp.txt"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) after the run" | tee -a "benchmarks/results/$stamp.txt"
echo "results: benchmarks/results/$stamp.txt" >&2
