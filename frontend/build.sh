#!/usr/bin/env bash
# Build the web clients into frontend/dist/ (served by healthloop.web at / and /h5/).
#
#   frontend/build.sh           install dependencies if package-lock.json changed, build if
#                               any source changed since the last build
#   frontend/build.sh --force   always build
#
# Needs Node >= 20.19 and npm; the only network access is the npm registry (npm ci).
set -euo pipefail
cd "$(dirname "$0")"

force=0
[[ "${1:-}" == "--force" ]] && force=1

if ! command -v npm >/dev/null 2>&1; then
  echo "frontend/build.sh: npm not found; install Node.js >= 20.19 (see docs/frontend.md)" >&2
  exit 1
fi

# npm ci only when the lockfile differs from the one installed last time.
if ! cmp -s package-lock.json node_modules/.healthloop-installed-lock 2>/dev/null; then
  echo "frontend: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.healthloop-installed-lock
fi

stamp=dist/.build-stamp
if [[ $force -eq 0 && -f $stamp ]] &&
  [[ -z "$(find src index.html h5/index.html vite.config.ts package-lock.json -newer "$stamp" -print -quit)" ]]; then
  echo "frontend: dist/ is up to date"
  exit 0
fi

echo "frontend: vite build"
npx --no-install vite build

# No CDN: nothing in the styles may load from another origin (see vite.config.ts).
if grep -lE "url\([\"']?(https?:)?//" dist/assets/*.css; then
  echo "frontend/build.sh: the CSS above loads from another origin (CDN); see vite.config.ts" >&2
  exit 1
fi

# Pre-compressed copies, served by healthloop.web to browsers that accept gzip.
find dist/assets -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' \) -size +1k \
  -exec gzip -k -9 -f {} +
touch "$stamp"
echo "frontend: built into $(pwd)/dist"
