#!/usr/bin/env bash
# The fused DF11 matrix-vector kernel on the GPU (issue 17), all in one machine session:
#   benchmarks/gpu/fused.sh BUNDLE OUT [SHAPE] [what...]
#   what: check    fused-check: every fused variant against the planes kernel, bit for bit, on PTX (1:0) and
#                  NVIDIA OpenCL (0:0)
#         matvec   matvec-bench on SHAPE's matrices (NVIDIA OpenCL): planes kernel, fused variants (checked bit for
#                  bit), device copy
#         gen      generate-bench on SHAPE, modes bf16-device, df11-device (exact) and df11-fused in one process, on
#                  NVIDIA OpenCL (0:0) (genptx: the same on PTX)
#         mvbatch  matvec-bench on SHAPE's matrices on PTX (1:0), planes kernel only, batches 1, 4, 16, 64
#         genptx   generate-bench on SHAPE on PTX (1:0): bf16-device, df11-device (exact) and df11-fused, batch 1
#         full     issue 17's benchmark: generate-bench on SHAPE on PTX (1:0), all four modes in one process (bf16-device,
#                  df11-fused, df11-device, bf16-host), then the same without CUDA graphs and with --profile (where the
#                  time goes per kernel kind, bf16-device and df11-fused), then the PyTorch/cuBLAS peer
#         serve    serve-bench on SHAPE on PTX (1:0): BF16 and DF11 (exact) at concurrency 1, 4, 16, 64, SERVE_REQUESTS
#                  (default 1) timed requests of 64 tokens per client
#         peer     the PyTorch/cuBLAS BF16 step on SHAPE (torch_step_peer.py)
#         peerbatch  the same at batches of 1, 16 and 64 sequences (tokens/s = batch x steps/s)
#         offload  the PyTorch pinned-memory offload baseline on SHAPE (torch_offload_peer.py)
# CUDA graphs on (PTX). Logs and JSON land in OUT. CHECK_DEVICES (default "1:0 0:0") and PEER_BATCHES (default
# "1 16 64") narrow check and peerbatch; MATVEC_SHAPES (ROWSxCOLS,...) and MATVEC_BATCHES (default 1,4,16,64) the
# matrix-vector runs.
set -u
bundle=$1 out=$2 shape=${3:-llama-3.1-8b}
shift 3 2>/dev/null || shift $#
what=("$@"); [ ${#what[@]} -eq 0 ] && what=(check matvec peer gen)
here=$(cd "$(dirname "$0")" && pwd)
work=${DF11_BENCH_WORK:-/tmp/df11-bench-models}
mkdir -p "$out"
case "$shape" in
  llama-3.1-8b) shapes=6144x4096,28672x4096,4096x14336,128256x4096;;
  llama-3.2-1b) shapes=3072x2048,16384x2048,2048x8192,128256x2048;;
  *) shapes=;;
esac
shapes=${MATVEC_SHAPES:-$shapes}
batches=${MATVEC_BATCHES:-1,4,16,64}
# matvec NAME ARGS...: matvec-bench on SHAPE's matrices into OUT/NAME-SHAPE.{json,log}
matvec() {
  local name=$1; shift
  [ -n "$shapes" ] || return 0
  (cd "$out" && "$bundle/bin/matvec-bench" --shapes "$shapes" "$@" --out "$out/$name-$shape.json") \
    > "$out/$name-$shape.log" 2>&1
  grep -vE "^WARNING" "$out/$name-$shape.log" | tail -60
}
# generate DEVICE NAME [MODES [ARGS...]]: generate-bench on SHAPE in one process (default modes: BF16 resident, DF11
# exact and DF11 fused)
generate() {
  local device=$1 name=$2 modes=${3:-bf16-device,df11-device,df11-fused}
  shift 3 2>/dev/null || shift $#
  (cd "$out" && "$bundle/bin/generate-bench" --shape "$shape" --work-dir "$work" --device "$device" \
    --prompt-tokens 4 --tokens 64 --warmup 1 --runs 3 --modes "$modes" "$@" \
    --out "$out/$name-$shape.json") > "$out/$name-$shape.log" 2>&1
  grep -vE "^WARNING" "$out/$name-$shape.log" | tail -12
}
for w in "${what[@]}"; do
  case "$w" in
    check)
      for d in ${CHECK_DEVICES:-1:0 0:0}; do
        (cd "$out" && DF11_CLASSPATH="$bundle/lib/df11-kernel-lab.jar" DF11_MAIN=dev.df11.lab.bench.FusedCheck \
          "$bundle/bin/df11" --device $d) 2>&1 \
          | grep -v WARNING > "$out/check-${d%%:*}.log"
        cat "$out/check-${d%%:*}.log"
      done;;
    matvec)
      matvec matvec --device 0:0 --configs 128:2 --fused product,triples,nestedChild,flatLoop --reps 30;;
    mvbatch)
      matvec matvec-batch --device 1:0 --configs 128:1,128:2,256:8 --fused= --batch "$batches" --reps 20;;
    genptx)
      generate 1:0 generate-ptx;;
    full)
      generate 1:0 full bf16-device,df11-fused,df11-device,bf16-host
      generate 1:0 profile bf16-device,df11-fused --profile
      python3 "$here/torch_step_peer.py" --shape "$shape" --out "$out/torch-step-$shape.json" \
        > "$out/torch-step-$shape.log" 2>&1
      tail -2 "$out/torch-step-$shape.log";;
    peerbatch)
      for b in ${PEER_BATCHES:-1 16 64}; do
        python3 "$here/torch_step_peer.py" --shape "$shape" --batch $b --out "$out/torch-step-$shape-b$b.json" \
          > "$out/torch-step-$shape-b$b.log" 2>&1
        tail -2 "$out/torch-step-$shape-b$b.log"
      done;;
    serve)
      (cd "$out" && "$bundle/bin/serve-bench" --shape "$shape" --work-dir "$work" --device 1:0 \
        --concurrency 1,4,16,64 --tokens 64 --requests ${SERVE_REQUESTS:-1} --out "$out/serve-$shape.json") \
        > "$out/serve-$shape.log" 2>&1
      grep -vE "^WARNING" "$out/serve-$shape.log" | tail -30;;
    gen)
      generate 0:0 generate;;
    peer)
      python3 "$here/torch_step_peer.py" --shape "$shape" --out "$out/torch-step-$shape.json" \
        > "$out/torch-step-$shape.log" 2>&1
      tail -6 "$out/torch-step-$shape.log";;
    offload)
      python3 "$here/torch_offload_peer.py" --shape "$shape" --out "$out/torch-offload-$shape.json" \
        > "$out/torch-offload-$shape.log" 2>&1
      tail -6 "$out/torch-offload-$shape.log";;
    *) echo "unknown: $w" >&2; exit 2;;
  esac
done
