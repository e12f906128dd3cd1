#!/usr/bin/env bash
# Host memory and speed of the Llama-3.1-8B shape on the GPU: the code in BUNDLE with the launcher's defaults, beside
# older jars run on the same bundle's JDK and SDK (OLD: a copy of the bundle whose lib/ holds the old jars).
#   benchmarks/gpu/host-memory-8b.sh BUNDLE OLD OUT gen [OLD_HEAP]
#       generate-bench, one process per mode (bf16-device, df11-device) for each code, PTX (device 1:0); the old code at
#       DF11_HEAP=OLD_HEAP (default 48g) with its off-heap limit equal to the heap, the JVM default its launcher had
#   benchmarks/gpu/host-memory-8b.sh BUNDLE - OUT stream
#       the code in BUNDLE only: generate-bench per mode (df11-device, bf16-device) with the weights streamed to the
#       device (the default) and with every host copy kept (-Ddf11.tornado.streamWeights=false)
#   benchmarks/gpu/host-memory-8b.sh BUNDLE OLD OUT decode
#       decode-bench (PTX, 128M elements) of the two kernels the product keeps, new code and old code
# Every process runs under peak-rss.sh; its log, JSON and peak resident memory land in OUT (summary.txt).
set -u
bundle=$1 old=$2 out=$3 what=$4 old_heap=${5:-48g}
here=$(cd "$(dirname "$0")" && pwd)
work=${DF11_BENCH_WORK:-/tmp/df11-bench-models}
mkdir -p "$out"
model=(--shape llama-3.1-8b --work-dir "$work" --device 1:0 --prompt-tokens 4)
common=("${model[@]}" --tokens 32 --warmup 1 --runs 2)
run() {   # name, command... (prefix it with env NAME=VALUE to set variables)
  local name=$1; shift
  echo "== $name" | tee -a "$out/summary.txt"
  "$@" > "$out/$name.log" 2>&1
  tail -1 "$out/$name.log" | tee -a "$out/summary.txt"
  grep -E "tokens/s|GB/s|rror|memory|resident" "$out/$name.log" | grep -v "^WARNING" | tail -8 >> "$out/summary.txt"
}
old_main() { echo "dev.df11.tornado.bench.$1"; }
case "$what" in
  gen)
    # The synthetic model and its DF11 copy, made once, outside the measured processes.
    "$bundle/bin/generate-bench" "${model[@]}" --modes df11-device --warmup 1 --runs 1 --tokens 2 \
      > "$out/prepare.log" 2>&1
    for mode in df11-device bf16-device; do
      run "new-$mode" "$here/peak-rss.sh" "$bundle/bin/generate-bench" "${common[@]}" --modes "$mode" \
        --out "$out/new-$mode.json"
      run "old-$mode-$old_heap" env DF11_HEAP="$old_heap" DF11_OFFHEAP="$old_heap" \
        DF11_MAIN="$(old_main GenerateBenchmark)" "$here/peak-rss.sh" "$old/bin/df11" "${common[@]}" \
        --modes "$mode" --out "$out/old-$mode-$old_heap.json"
    done;;
  stream)
    "$bundle/bin/generate-bench" "${model[@]}" --modes df11-device --warmup 1 --runs 1 --tokens 2 \
      > "$out/prepare.log" 2>&1
    for mode in df11-device bf16-device; do
      for keep in true false; do
        run "$mode-stream-$keep" env DF11_JAVA_OPTS="-Ddf11.tornado.streamWeights=$keep ${DF11_JAVA_OPTS:-}" \
          "$here/peak-rss.sh" "$bundle/bin/generate-bench" "${common[@]}" --modes "$mode" --out "$out/$mode-stream-$keep.json"
      done
    done;;
  decode)
    kernels=(--device 1:0 --elements 134217728 --reps 50 --kernels v3-single-pass,v3f-exponent-plane)
    for round in 1 2; do
      run "new-decode-$round" "$here/peak-rss.sh" "$bundle/bin/decode-bench" "${kernels[@]}" \
        --out "$out/new-decode-$round.json"
      run "old-decode-$round" env DF11_MAIN="$(old_main DecodeBenchmark)" "$here/peak-rss.sh" "$old/bin/df11" \
        "${kernels[@]}" --out "$out/old-decode-$round.json"
    done;;
  *) echo "unknown: $what (gen, stream or decode)" >&2; exit 2;;
esac
