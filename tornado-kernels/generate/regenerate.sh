#!/usr/bin/env bash
# Regenerates the generated kernel sources from these scripts, or with --check only says which differ (exit 1).
# TornadoVM 5.2 cannot pass a local array to a helper method, so kernels whose inner loops read local memory repeat
# their per-quad lines by hand; these scripts write those repetitions. Edit the script, not the Java file.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fwd=$root/tornado-kernels/src/main/java/dev/df11/tornado/forward
lab=$root/kernel-lab/src/main/java/dev/df11/lab/matvec
check=0
[ "${1:-}" = --check ] && check=1
status=0
emit() { # TARGET COMMAND...
  local target=$1
  shift
  local tmp
  tmp=$(mktemp)
  "$@" > "$tmp"
  if [ $check = 1 ]; then
    if ! cmp -s "$tmp" "$target"; then
      echo "differs: $target"
      status=1
    fi
    rm -f "$tmp"
  else
    mv "$tmp" "$target"
  fi
}
emit "$fwd/StagedRowKernels.java" python3 "$here/staged.py" 4 8 StagedRowKernels
emit "$fwd/StagedNibbleKernels.java" python3 "$here/staged_nibble.py" 4 8 StagedNibbleKernels
emit "$fwd/NibbleMatVecKernels.java" python3 "$here/nibble_matvec.py"
emit "$fwd/PairNibbleKernels.java" python3 "$here/pair_nibble.py" "$fwd/MatVecPairKernels.java"
emit "$fwd/TensorCoreKernels.java" python3 "$here/tensor_cores.py"
emit "$lab/StagedOneBarrierKernels.java" python3 "$here/staged_onebarrier.py" 4 8 StagedOneBarrierKernels
exit $status
