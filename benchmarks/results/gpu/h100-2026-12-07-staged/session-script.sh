#!/usr/bin/env bash
# Device call: the staged rung beside the product's two-row kernel (and the four-row rung), its registers; where a
# 16/64-row serving step goes (BF16, --profile, with ForwardProfile reading each execution's own log entries).
set -x
R=/tmp/r4; mkdir -p $R
finish() { (cd /tmp && tar czf $OUT/results.tar.gz r4); }
trap finish EXIT
mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > $R/gpu.txt
(cd $R && timeout 150 $B/bin/matvec-bench --device 1:0 --shapes 28672x4096,4096x14336 --configs 128:2,256:4 \
  --batch 1,16,64 --fused= --warmup 3 --reps 20 --batch-rungs --out $R/matvec-staged.json > $R/matvec-staged.log 2>&1)
echo "matvec rc=$?"
grep -E " b[0-9]+ |Exception|rror" $R/matvec-staged.log | cut -c1-150
(cd $R && timeout 240 $B/bin/serve-bench --shape llama-3.1-8b --work-dir /tmp/models --device 1:0 \
  --modes bf16 --concurrency 16,64 --tokens 64 --requests 1 --check-prompts 8 --profile --out $R/serve-profile.json \
  > $R/serve-profile.log 2>&1); echo "serve rc=$?"
grep -vE "^WARNING" $R/serve-profile.log | tail -60
timeout 150 bash benchmarks/gpu/ptx_registers.sh $B $R/ptx > $R/registers.txt 2>&1; echo "ptx rc=$?"
grep -B1 -A3 -i "staged\|Pairs\|QuadRows" $R/registers.txt | head -40
rm -f $R/ptx/k*.ptx $R/ptx/k*.sass $R/ptx/kernels.ptx
