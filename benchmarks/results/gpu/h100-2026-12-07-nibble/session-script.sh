# call 1 (nibble_check.sh) and call 3 (the one-process check after the fix, and ptxas), H100, 2026-12-07
# ---- call 1
#!/usr/bin/env bash
set -u
mkdir -p /tmp/b && tar -xJf dist/df11-bundle.tar.xz -C /tmp/b
B=$(ls -d /tmp/b/*/ | head -1); B=${B%/}
sed -i 's/^tornado.backends *=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
$B/bin/df11 devices 2>&1 | head -20 || true
bash benchmarks/gpu/nibble_check.sh $B $OUT/nibble ${BUDGET:-540}
# ---- call 3
#!/usr/bin/env bash
set -u
mkdir -p /tmp/b && tar -xJf dist/df11-bundle.tar.xz -C /tmp/b
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends *=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
W=/tmp/models; O=$OUT/diag; mkdir -p $O
g() { name=$1; shape=$2; shift 2; s=$(date +%s)
  timeout ${T:-150} $B/bin/generate-bench --shape $shape --work-dir $W --device 1:0 --prompt-tokens 8 --out $O/$name.json "$@" > $O/$name.log 2>&1
  echo "== $name rc=$? $(( $(date +%s) - s ))s errors=$(grep -c ERROR $O/$name.log)"
  grep -v "ERROR\|^WARNING\|^\s*at " $O/$name.log | grep -v "^#" | head -30; grep ERROR $O/$name.log | sort | uniq -c | head; }
T=150 g one-process-1b llama-3.2-1b --modes bf16-device,df11-device,df11-nibble --tokens 16 --warmup 1 --runs 1
PTX_MATVEC_ARGS="--shapes 28672x4096 --configs 256:8 --batch 1 --batch-rungs --fused=" timeout 120 bash benchmarks/gpu/ptx_registers.sh $B /tmp/ptx > /tmp/ptx.log 2>&1; echo "ptx rc=$?"
cat /tmp/ptx.log | head -60; cp /tmp/ptx/kernels-ptx-sass.tar.gz /tmp/ptx/ptx-dump.log $O/ 2>/dev/null
grep -E " b1 " /tmp/ptx/ptx-dump.log
T=330 g one-process-8b llama-3.1-8b --modes bf16-device,df11-nibble,df11-device --tokens 32 --warmup 1 --runs 3
nvidia-smi --query-gpu=name,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv
