#!/usr/bin/env bash
# session 23, call 3: registers/SASS of the matvec kernels, ncu on the planes kernel at batch 1 and 64
set -u
B=/tmp/b/df11-bundle
[ -x $B/bin/df11 ] || mkdir -p /tmp/b && tar -C /tmp/b -xJf dist/df11-bundle.tar.xz
sed -i 's/^tornado.backends=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
mkdir -p $OUT/r
timeout 150 bash benchmarks/gpu/ptx_registers.sh $B $OUT/r/regs > $OUT/r/regs.log 2>&1; echo "regs rc=$?" >> $OUT/r/summary.txt
cat $OUT/r/regs.log | tail -40
rm -f $OUT/r/regs/*.cubin
for b in 1 64; do
 ( cd $OUT/r && timeout 110 ncu --clock-control none -k regex:matvec -c 3 --set full -o $OUT/r/ncu-b$b $B/bin/matvec-bench --device 1:0 --shapes 28672x4096 --configs 128:2 --fused= --batch $b --warmup 1 --reps 2 ) > $OUT/r/ncu-b$b.log 2>&1; echo "ncu b$b rc=$?" >> $OUT/r/summary.txt
 timeout 40 ncu --import $OUT/r/ncu-b$b.ncu-rep --page details > $OUT/r/ncu-b$b.txt 2>&1
 grep -E "Duration|Registers Per|Achieved Occupancy|Theoretical Occupancy|Memory Throughput|DRAM Throughput|Compute \(SM\)|L1/TEX Hit|Warp Cycles Per Issued|Issue Slots Busy|Block Limit" $OUT/r/ncu-b$b.txt | head -30
done
cat $OUT/r/summary.txt
