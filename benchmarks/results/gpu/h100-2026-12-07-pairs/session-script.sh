#!/usr/bin/env bash
# Device call (not committed): the lab rungs, then serve per mode in its own process, main vs pairs. One tar back.
set -x
R=/tmp/r; mkdir -p $R
finish() { nvidia-smi >> $R/gpu.txt 2>&1; (cd /tmp && tar czf $OUT/results.tar.gz r); }
trap finish EXIT
mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' /tmp/b/df11-bundle/tornado-sdk/etc/tornado.backend
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > $R/gpu.txt
(cd $R && timeout 120 /tmp/b/df11-bundle/bin/matvec-bench --device 1:0 --shapes 28672x4096 --configs 128:2 --batch 1,16,64 \
  --fused=product --warmup 3 --reps 20 --wide --out $R/matvec-wide.json > $R/matvec-wide.log 2>&1); echo "matvec rc=$?"
grep -E " b[0-9]+ " $R/matvec-wide.log | cut -c1-150
SERVE_CONCURRENCY=16,64 SERVE_TIMEOUT=200 timeout 420 bash benchmarks/gpu/kernel-jars.sh /tmp/b/df11-bundle $R \
  $PWD/dist/main/df11-tornado-kernels.jar $PWD/dist/pairs/df11-tornado-kernels.jar serve
grep -h "ERROR\|Exception" $R/serve-*.log | sort | uniq -c | head -20
