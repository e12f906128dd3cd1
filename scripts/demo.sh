#!/usr/bin/env bash
# The main job, end to end on a fresh machine:
#   fetch TinyStories 15M -> Hugging Face BF16 folder -> DF11 folder -> verify every bit -> tell a story from DF11.
# Output folders go to $DF11_WORK (default ~/.cache/df11/demo). Options are passed to `df11 generate`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/jdk.sh"
cd "$root"

work="${DF11_WORK:-${DF11_CACHE:-$HOME/.cache/df11}/demo}"
bf16="$work/stories15M-bf16"
df11="$work/stories15M-df11"
mkdir -p "$work"

step() { printf '\n== %s\n' "$*" >&2; }

step "Building df11 (mvn package, tests skipped: scripts/test.sh runs them)"
mvn -B -q -ntp package -DskipTests

step "Fetching stories15M (cached)"
src=$("$root/scripts/fetch-stories15M.sh" --print-dir)

step "Converting llama2.c checkpoint to a Hugging Face BF16 folder: $bf16"
rm -rf "$bf16"
scripts/df11 import-llama2c "$src/stories15M.bin" "$src/tokenizer.bin" "$bf16"

step "Compressing to DF11: $df11"
scripts/df11 compress "$bf16" "$df11" --force

step "Verifying every bit against the BF16 source"
scripts/df11 verify "$df11" --against "$bf16"

step "What DF11 did to each unit"
scripts/df11 inspect "$df11"

step "A story from the compressed model (CPU, greedy)"
scripts/df11 generate --model "$df11" --prompt "Once upon a time" --max-tokens 256 --temperature 0 --warmup "$@"

bf16_bytes=$(du -cb "$bf16"/*.safetensors | tail -1 | cut -f1)
df11_bytes=$(du -cb "$df11"/*.safetensors | tail -1 | cut -f1)
step "Sizes"
awk -v b="$bf16_bytes" -v d="$df11_bytes" \
  'BEGIN { printf "BF16 weights: %d bytes\nDF11 weights: %d bytes (%.2f%% of BF16)\n", b, d, 100 * d / b }'
