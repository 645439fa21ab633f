#!/usr/bin/env bash
# The README's quick start: install what is missing (Debian 12, as root), build, then either run
# the demo or run every test.
#   bash scripts/quickstart.sh demo   # build (release) and run `encore demo`
#   bash scripts/quickstart.sh test   # the fuzzers, the tests under TSan, then every test under ASan+UBSan
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-demo}
packages=(g++ cmake ninja-build pkg-config libcli11-dev nlohmann-json3-dev libsimdjson-dev
          libzstd-dev zlib1g-dev libsqlite3-dev libxxhash-dev libroaring-dev libgtest-dev libgmock-dev
          libcpp-httplib-dev libmicrohttpd-dev libcctz-dev tzdata clang libclang-rt-14-dev)
# The tests also drive the dashboard in Debian's Chromium and load the server with wrk.
# The history tests check encore's counts against an independent computation in Python.
# The ClickHouse store's tests start a two-shard cluster of Debian's clickhouse-server on loopback
# (scripts/clickhouse-cluster.sh; never a system service).
[[ "$what" == "test" ]] && packages+=(chromium wrk python3 clickhouse-server curl)
# npm installs the dashboard's plotting library at build time; Node.js from Debian unless the
# machine has one already.
command -v npm >/dev/null || packages+=(nodejs npm)

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
    # Every parser of outside input under libFuzzer (clang, ASan+UBSan), 10 s each.
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz -j "$jobs"
    ctest --preset fuzz -j "$jobs"
    # The threaded code under ThreadSanitizer (the HTTP server's API tests among it). Left out
    # there: the kill -9 test, the checks over the real chart files, which run on one thread and
    # are slow under TSan, and the browser and load tests, which run on the ASan build below.
    cmake --preset tsan >/dev/null
    cmake --build --preset tsan -j "$jobs"
    ctest --preset tsan -j "$jobs" \
      -E '^(Crash\.|ClickHouseStoreTest\.|PublishedCharts\.|SongKey\.|ChartCli\.Hot100|ChartRecords|CreditNames\.CommaLeads|Dashboard\.|ServeLoad\.)'
    # Then every unit and end-to-end test (its summary is the last line).
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    ctest --preset "$preset" -j "$jobs"
    ;;
  *)
    echo "usage: bash scripts/quickstart.sh demo|test" >&2
    exit 2
    ;;
esac
