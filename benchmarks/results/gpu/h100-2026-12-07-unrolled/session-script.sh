#!/usr/bin/env bash
# Device call (not committed): the unrolled two-row rung beside the others; where a 16/64-row serving step goes.
set -x
R=/tmp/r3; mkdir -p $R
finish() { (cd /tmp && tar czf $OUT/results.tar.gz r3); }
trap finish EXIT
mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' /tmp/b/df11-bundle/tornado-sdk/etc/tornado.backend
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > $R/gpu.txt
(cd $R && timeout 110 /tmp/b/df11-bundle/bin/matvec-bench --device 1:0 --shapes 28672x4096 --configs 128:2 --batch 1,16,64 \
  --fused=product --warmup 3 --reps 20 --wide --out $R/matvec-wide.json > $R/matvec-wide.log 2>&1); echo "matvec rc=$?"
grep -E " b[0-9]+ |Exception|rror" $R/matvec-wide.log | cut -c1-150
(cd $R && timeout 170 /tmp/b/df11-bundle/bin/serve-bench --shape llama-3.1-8b --work-dir /tmp/models --device 1:0 \
  --modes bf16 --concurrency 16,64 --tokens 64 --requests 1 --check-prompts 8 --profile --out $R/serve-profile.json \
  > $R/serve-profile.log 2>&1); echo "serve rc=$?"
grep -vE "^WARNING" $R/serve-profile.log | tail -45
