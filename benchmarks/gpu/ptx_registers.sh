#!/usr/bin/env bash
# What ptxas makes of TornadoVM's PTX for the matrix-vector kernels: registers, spills, shared memory, and the SASS.
#   benchmarks/gpu/ptx_registers.sh BUNDLE OUT [ARCH]
# Runs matvec-bench once on PTX (1:0) with TornadoVM's kernel dump on (the planes kernel at batches 1 and 64 at 128:2
# and 256:4, the batch rungs (the product's two-row and staged kernels), the lab's 8-byte-load rung and two fused
# variants, on the 8B gate|up matrix), splits the dump into one file per kernel
# (OUT/kN.ptx), prints `ptxas -v` for each (ARCH default sm_90) and disassembles each to OUT/kN.sass (cuobjdump), so
# the instructions per weight of every inner loop can be counted (also packed into OUT/kernels-ptx-sass.tar.gz).
# Occupancy follows from registers and the launch. PTX_MATVEC_ARGS, when set, replaces matvec-bench's shape, launch
# and kernel options (e.g. "--shapes 28672x4096 --configs 256:8 --batch 1 --batch-rungs --nibble").
set -u
bundle=$1 out=$2 arch=${3:-sm_90}
default_args="--shapes 28672x4096 --configs 128:2,256:4 --batch-rungs --long --fused product,flatLoop --batch 1,64"
read -r -a matvec_args <<< "${PTX_MATVEC_ARGS:-$default_args}"
mkdir -p "$out"
dump="$out/kernels.ptx"
rm -f "$dump"
(cd "$out" && DF11_JAVA_OPTS="-Dtornado.printKernel=True -Dtornado.print.kernel.dir=$dump" \
  "$bundle/bin/matvec-bench" --device 1:0 "${matvec_args[@]}" --warmup 2 --reps 10 --out "$out/ptx-dump-matvec.json") \
  > "$out/ptx-dump.log" 2>&1
[ -s "$dump" ] || { echo "no kernel dump in $dump; see $out/ptx-dump.log" >&2; tail -5 "$out/ptx-dump.log" >&2; exit 1; }
python3 - "$dump" "$out" "$arch" <<'PY'
import re, subprocess, sys
dump, out, arch = sys.argv[1:4]
parts = re.split(r'(?m)^(?=\.version)', open(dump).read())
for i, ptx in enumerate(p for p in parts if p.strip().startswith('.version')):
    entry = re.search(r'\.entry\s+(\w+)', ptx)
    name = entry.group(1) if entry else f'kernel{i}'
    path = f'{out}/k{i}.ptx'
    open(path, 'w').write(ptx)
    r = subprocess.run(['ptxas', f'-arch={arch}', '-v', path, '-o', f'{out}/k{i}.cubin'], capture_output=True, text=True)
    used = [l.split('info    : ')[-1] for l in r.stderr.splitlines() if 'Used' in l or 'spill' in l]
    print(f'k{i}', name[:90])
    for l in used:
        print('   ', l)
    if r.returncode:
        print('    ptxas failed:', r.stderr.strip()[-300:])
        continue
    with open(f'{out}/k{i}.sass', 'w') as sass:
        subprocess.run(['cuobjdump', '-sass', f'{out}/k{i}.cubin'], stdout=sass, stderr=subprocess.STDOUT)
PY
rm -f "$out"/*.cubin
# One archive of the per-kernel files as well: a device call returns a limited number of files.
(cd "$out" && tar czf kernels-ptx-sass.tar.gz k*.ptx k*.sass 2>/dev/null)
