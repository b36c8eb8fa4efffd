#!/usr/bin/env bash
# Benchmarks a commit (default HEAD) instead of the working tree: while others edit the tree, a run of it
# may measure half-made changes. Exports the commit to a scratch directory, adds this bench/ (which may be
# newer than the commit), reuses node_modules and bench/.work (databases, peer install), builds there,
# runs the bench with the given options, and copies results/ back here and rewrites REPORT.md.
#   bash bench/at-commit.sh [--rev <commit>] [run.js options...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rev=HEAD
if [[ "${1:-}" == "--rev" ]]; then rev="$2"; shift 2; fi
short="$(git -C "$here" rev-parse --short "$rev")"
tree="${TMPDIR:-/tmp}/caregraph-bench-$short"
rm -rf "$tree"
mkdir -p "$tree"
git -C "$here" archive "$rev" | tar -x -C "$tree"
rm -rf "$tree/bench"
mkdir -p "$tree/bench" "$here/bench/.work" "$here/bench/results"
cp "$here"/bench/*.ts "$here"/bench/*.md "$tree/bench/"
cp -r "$here/bench/peer" "$tree/bench/"
ln -s "$here/bench/.work" "$tree/bench/.work"
ln -s "$here/bench/results" "$tree/bench/results"
ln -s "$here/node_modules" "$tree/node_modules"
# tsc emits even when a file of the commit does not type-check; the test below says whether it built.
config=tsconfig.json
test -f "$tree/tsconfig.bench.json" && config=tsconfig.bench.json
(cd "$tree" && npx tsc -p "$config" >/dev/null 2>&1 || true)
test -f "$tree/dist/bench/run.js" && test -f "$tree/dist/src/main.js"
(cd "$tree" && BENCH_COMMIT="$short" node dist/bench/run.js "$@")
cp "$tree/bench/REPORT.md" "$tree/bench/chart.svg" "$here/bench/"
rm -rf "$tree"
