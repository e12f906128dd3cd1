#!/usr/bin/env bash
# The fused DF11 matrix-vector kernel on the GPU (issue 17), all in one machine session:
#   benchmarks/gpu/fused.sh BUNDLE OUT [SHAPE] [what...]
#   what: matvec   matvec-bench on SHAPE's matrices (planes kernel, fused kernel checked bit for bit, device copy)
#         gen      generate-bench on SHAPE, modes bf16-device, df11-device (fused), df11-exact in one process
#         peer     the PyTorch/cuBLAS BF16 step on SHAPE (benchmarks/gpu/torch_step_peer.py), when present
# PTX backend (device 1:0), CUDA graphs on. Logs and JSON land in OUT.
set -u
bundle=$1 out=$2 shape=${3:-llama-3.1-8b}
shift 3 2>/dev/null || shift $#
what=("$@"); [ ${#what[@]} -eq 0 ] && what=(matvec gen)
here=$(cd "$(dirname "$0")" && pwd)
work=${DF11_BENCH_WORK:-/tmp/df11-bench-models}
mkdir -p "$out"
case "$shape" in
  llama-3.1-8b) shapes=6144x4096,4096x4096,28672x4096,4096x14336,128256x4096;;
  llama-3.2-1b) shapes=3072x2048,2048x2048,16384x2048,2048x8192,128256x2048;;
  *) shapes=;;
esac
for w in "${what[@]}"; do
  case "$w" in
    matvec)
      [ -n "$shapes" ] && "$bundle/bin/matvec-bench" --device 1:0 --shapes "$shapes" \
        --configs 128:2,128:1,256:4,256:8,64:1 --out "$out/matvec-$shape.json" > "$out/matvec-$shape.log" 2>&1
      grep -vE "^WARNING" "$out/matvec-$shape.log" | tail -40;;
    gen)
      "$bundle/bin/generate-bench" --shape "$shape" --work-dir "$work" --device 1:0 --prompt-tokens 4 \
        --tokens 64 --warmup 1 --runs 3 --modes bf16-device,df11-device,df11-exact \
        --out "$out/generate-$shape.json" > "$out/generate-$shape.log" 2>&1
      grep -vE "^WARNING" "$out/generate-$shape.log" | tail -25;;
    peer)
      if [ -f "$here/torch_step_peer.py" ]; then
        python3 "$here/torch_step_peer.py" --shape "$shape" --out "$out/peer-$shape.json" > "$out/peer-$shape.log" 2>&1
        tail -15 "$out/peer-$shape.log"
      fi;;
    *) echo "unknown: $w" >&2; exit 2;;
  esac
done
