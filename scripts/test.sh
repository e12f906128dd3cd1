#!/usr/bin/env bash
# The test command: fetches the test model and tokenizers (cached), then builds and runs every test with JDK 25.
# TornadoVM tests run too when TORNADO_SDK points at an SDK.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/jdk.sh"
cd "$root"
command -v mvn >/dev/null || { echo "df11: Maven (mvn) is required: apt-get install maven" >&2; exit 1; }
export DF11_STORIES15M_DIR="${DF11_STORIES15M_DIR:-$("$root/scripts/fetch-stories15M.sh" --print-dir)}"
export DF11_TOKENIZERS_DIR="${DF11_TOKENIZERS_DIR:-$("$root/scripts/fetch-tokenizers.sh" --print-dir)}"
mvn -B -ntp verify "$@"
