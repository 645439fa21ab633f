#!/usr/bin/env bash
# The README's quick start: install what is missing (Debian 12, as root), build, then either run
# the demo or run every test.
#   bash scripts/quickstart.sh demo   # build (release) and run `encore demo`
#   bash scripts/quickstart.sh test   # build (debug, ASan+UBSan, warnings as errors) and run ctest
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-demo}
packages=(g++ cmake ninja-build pkg-config libcli11-dev nlohmann-json3-dev libsimdjson-dev
          libzstd-dev zlib1g-dev libsqlite3-dev libxxhash-dev libgtest-dev libgmock-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "quickstart: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "quickstart: these Debian packages are missing; run this script as root to install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
case "$what" in
  demo)
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$jobs"
    shift || true
    exec ./build/release/src/encore demo "$@"
    ;;
  test)
    preset=debug
    [[ "${CI:-}" == "true" ]] && preset=ci
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    ctest --preset "$preset" -j "$jobs"
    ;;
  *)
    echo "usage: bash scripts/quickstart.sh demo|test" >&2
    exit 2
    ;;
esac
