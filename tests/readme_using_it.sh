#!/usr/bin/env bash
# The README's "Using it" runs as written (issue 18): its first sh block, line by line, in a fresh
# folder that has the repository's catalog/ and `encore` on the PATH. Every command must exit 0.
# Usage: readme_using_it.sh ENCORE_BINARY SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
dir=$(mktemp -d "${TMPDIR:-/tmp}/encore-readme-XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/bin"
ln -s "$bin" "$dir/bin/encore"
ln -s "$src/catalog" "$dir/catalog"
# The first ```sh block after "## Using it", its continued lines joined.
awk '/^## Using it/{u=1} u&&/^```sh/{b=1;next} b&&/^```/{exit} b{print}' "$src/README.md" |
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' >"$dir/block.sh"
n=$(grep -c . "$dir/block.sh")
if [ "$n" -lt 20 ]; then echo "found only $n lines in README.md's Using it" >&2; exit 1; fi
cd "$dir"
export PATH="$dir/bin:$PATH"
unset ENCORE_STORE
i=0
while IFS= read -r line; do
  [ -z "$line" ] && continue
  i=$((i + 1))
  if ! (eval "$line") >"$dir/out" 2>"$dir/err"; then
    echo "README.md, Using it, command $i failed: $line" >&2
    cat "$dir/out" "$dir/err" >&2
    exit 1
  fi
done <"$dir/block.sh"
echo "README.md's Using it: $i commands ran as written"
