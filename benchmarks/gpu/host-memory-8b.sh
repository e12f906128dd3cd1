#!/usr/bin/env bash
# Host memory and speed of loading and running the Llama-3.1-8B shape on the GPU, with the launcher's defaults, for
# the code in BUNDLE and (optionally) for older jars run on the same bundle's JDK and SDK.
#   benchmarks/gpu/host-memory-8b.sh BUNDLE OUT new|old [OLD_JARS_DIR] [HEAP]
# new: generate-bench of bf16-device and df11-device, one process each, launcher defaults; decode-bench (PTX) of the
#      product's two kernels (v3-single-pass, v3f-exponent-plane) and, with OLD_JARS_DIR, the old jars' same kernels.
# old: the old jars' generate-bench, one process per mode, at DF11_HEAP=HEAP with the off-heap limit equal to the heap
#      (the JVM default the old launcher had).
# Every process runs under peak-rss.sh; its log, JSON and peak resident memory land in OUT.
set -u
bundle=$1 out=$2 what=$3 old=${4:-} heap=${5:-16g}
here=$(cd "$(dirname "$0")" && pwd)
work=${DF11_BENCH_WORK:-/tmp/df11-bench-models}
mkdir -p "$out"
common=(--shape llama-3.1-8b --work-dir "$work" --device 1:0 --prompt-tokens 4 --tokens 32 --warmup 1 --runs 3)
run() {   # name, command... (prefix it with env NAME=VALUE to set variables)
  local name=$1; shift
  echo "== $name" | tee -a "$out/summary.txt"
  "$@" > "$out/$name.log" 2>&1
  tail -1 "$out/$name.log" | tee -a "$out/summary.txt"
  grep -E "tokens/s|GB/s|error|Error|memory" "$out/$name.log" | grep -v "^WARNING" | tail -6 >> "$out/summary.txt"
}
if [ "$what" = new ]; then
  # Makes the synthetic model and its DF11 copy once (outside the measured processes).
  "$bundle/bin/generate-bench" "${common[@]}" --modes df11-device --warmup 0 --runs 1 --tokens 2 > "$out/prepare.log" 2>&1
  for mode in bf16-device df11-device; do
    run "new-$mode" "$here/peak-rss.sh" "$bundle/bin/generate-bench" "${common[@]}" --modes "$mode" \
      --out "$out/new-$mode.json"
  done
  run new-decode "$here/peak-rss.sh" "$bundle/bin/decode-bench" --device 1:0 --elements 134217728 --reps 50 \
    --kernels v3-single-pass,v3f-exponent-plane --out "$out/new-decode.json"
  if [ -n "$old" ]; then
    run old-decode env DF11_MAIN=dev.df11.tornado.bench.DecodeBenchmark "$here/peak-rss.sh" "$old/bin/df11" \
      --device 1:0 --elements 134217728 --reps 50 --kernels v3-single-pass,v3f-exponent-plane \
      --out "$out/old-decode.json"
  fi
else
  DF11_HEAP=48g DF11_OFFHEAP=48g DF11_MAIN=dev.df11.tornado.bench.GenerateBenchmark "$old/bin/df11" \
    "${common[@]}" --modes df11-device --warmup 0 --runs 1 --tokens 2 > "$out/prepare-old.log" 2>&1
  for mode in bf16-device df11-device; do
    run "old-$mode-$heap" env DF11_HEAP="$heap" DF11_OFFHEAP="$heap" \
      DF11_MAIN=dev.df11.tornado.bench.GenerateBenchmark "$here/peak-rss.sh" "$old/bin/df11" "${common[@]}" --modes "$mode" --out "$out/old-$mode-$heap.json"
  done
fi
