#!/usr/bin/env bash
# Renders this folder's report from the raw results it was made from (all in benchmarks/results) and the
# environment file beside this script. Later inputs replace earlier figures of the same measurement.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
r=benchmarks/results
planes=$r/gpu/h100-2026-11-27-planes
cd "$root"
exec scripts/bench-report.sh --render-only --out benchmarks/report \
  --title "df11 benchmark report: NVIDIA H100 (2026-11-27 to 2026-12-07), H200 serving (2026-12-06) and the development CPU" \
  benchmarks/report/environment-h100-2026-11-27.json \
  $r/cpu-vm-20261126T2325Z.json $r/cpu-vm-20261206T1710Z-generation-memory.json \
  $r/cpu-vm-20261126T2348Z-codec-quiet.json $r/cpu-vm-20261126T2350Z-generation-quiet.json $r/cpu-vm-20261206T1701Z-codec-sizes.json \
  $planes/final-ocl-bf16-device.json $planes/final-ocl-df11-device.json \
  $planes/final1b-bf16-device.json $planes/final1b-df11-device.json $planes/final1b-bf16-host.json \
  $planes/matvec-planes-ptx.json \
  $r/gpu/h100-2026-11-27-triples \
  $r/gpu/h100-2026-12-06-fused/r5-generate-44b-df11-exact-ptx.json $r/gpu/h100-2026-12-06-fused/r5-torch-offload-44b.json \
  $r/gpu/h100-2026-12-06-fused/r3-torch-offload-8b.json \
  $r/gpu/h100-2026-12-06-fused/r6-context-8b-bf16-device.json $r/gpu/h100-2026-12-06-fused/r6-context-8b-df11-device.json \
  $r/gpu/h100-2026-12-07-chains/torch-step-b1.json \
  $r/gpu/h200-2026-12-06-quad/qm/serve.json
