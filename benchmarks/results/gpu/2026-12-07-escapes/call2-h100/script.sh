#!/usr/bin/env bash
set -u
start=$(date +%s)
mkdir -p /tmp/b && tar -xJf dist/df11-bundle.tar.xz -C /tmp/b
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends *=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
O=/tmp/o; mkdir -p $O
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > $O/gpu.txt 2>&1
mv() { name=$1; shift; (cd $O && timeout 100 $B/bin/matvec-bench --device 1:0 --fused= --warmup 3 --reps 20 --batch-rungs --out $O/$name.json "$@") > $O/$name.log 2>&1
  echo "== $name rc=$?"; grep -E " b[0-9]+ " $O/$name.log; }
mv matvec-gateup --shapes 28672x4096 --configs 256:8 --batch 1,16
mv matvec-gateup-narrow --shapes 28672x4096 --configs 256:8 --batch 1,16 --weights narrow
mv matvec-down --shapes 4096x14336 --configs 128:1 --batch 1,16
echo "elapsed $(( $(date +%s) - start ))s"
timeout 330 $B/bin/generate-bench --shape llama-3.1-8b --work-dir /tmp/models --device 1:0 --prompt-tokens 8 \
  --modes bf16-device,df11-nibble,df11-device --tokens 32 --warmup 1 --runs 3 --out $O/gen-8b.json > $O/gen-8b.log 2>&1
echo "gen rc=$?"; grep -v "ERROR\|^WARNING\|^\s*at \|^#" $O/gen-8b.log | tail -14
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv | tee -a $O/gpu.txt
tar -czf $OUT/results.tar.gz -C $O .
echo "elapsed $(( $(date +%s) - start ))s"
