#!/bin/sh
# Bundles the bind-service into one ES module, dist/bind-service/main.mjs, with its dependencies
# (smpp, AWS SDK, zod) inside. The Dockerfile's build stage runs exactly this script, and so does
# the test suite (test/infra/bind-service-bundle.test.ts): the bundle CI starts is the one deployed.
# POSIX sh on purpose: the build image (node:22-alpine) has no bash.
set -eu
cd "$(dirname "$0")/.."

OUT=dist/bind-service
rm -rf "$OUT"
mkdir -p "$OUT"

# ESM output, but `smpp` is CommonJS and calls require() for node built-ins: the banner gives the
# module a real `require`.
node_modules/.bin/esbuild bind-service/main.ts \
  --bundle \
  --platform=node \
  --target=node22 \
  --format=esm \
  --outfile="$OUT/main.mjs" \
  --sourcemap \
  --legal-comments=external \
  --log-level=warning \
  "--banner:js=import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

echo "bind-service bundle: $OUT/main.mjs ($(wc -c < "$OUT/main.mjs") bytes)"
