#!/usr/bin/env bash
# device call: tensor-core check (property route probed first; falls back to -Dtornado.backend=1)
R=$(pwd)
mkdir -p /tmp/b && tar -xJf dist/df11-bundle.tar.xz -C /tmp/b
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends *=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
mkdir -p $OUT/probe && cd $OUT/probe
timeout 60 $B/bin/matvec-bench --device 1:0 --shapes 1024x1024 --configs 128:1 --batch 9 --fused= --tensor-cores --warmup 1 --reps 3 > probe.log 2>&1
echo "probe rc=$?"; grep -E "tensor-cores|rror|xception" probe.log | cut -c1-300 | head -8
if ! grep -q "tensor-cores b9 " probe.log; then export DF11_JAVA_OPTS="-Dtornado.backend=1"; echo "fallback: $DF11_JAVA_OPTS"; fi
timeout 90 $B/bin/matvec-bench --device 1:0 --shapes 28672x4096 --configs 128:1 --batch 1,16 --fused= --tensor-cores --weights narrow --warmup 1 --reps 3 > narrow.log 2>&1
echo "narrow rc=$?"; grep -E "tensor-cores|128:1 b" narrow.log | cut -c1-300
cd "$R"
TC_CHECK_BUDGET=470 bash benchmarks/gpu/tensor_core_check.sh $B $OUT
