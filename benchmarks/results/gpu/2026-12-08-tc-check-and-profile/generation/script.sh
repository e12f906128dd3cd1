#!/usr/bin/env bash
# device call: issue 17's generation profile (8B shape: bf16-device, df11-nibble, df11-device; then plain; then the cuBLAS peer)
mkdir -p /tmp/b && [ -x /tmp/b/df11-bundle/bin/df11 ] || tar -xJf dist/df11-bundle.tar.xz -C /tmp/b
B=/tmp/b/df11-bundle
sed -i 's/^tornado.backends *=.*/tornado.backends=opencl-backend,ptx-backend/' $B/tornado-sdk/etc/tornado.backend
GEN_CHECK_BUDGET=560 bash benchmarks/gpu/generation_check.sh $B $OUT
