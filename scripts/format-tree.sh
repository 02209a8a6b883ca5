#!/usr/bin/env bash
# Formats the whole tree once with Prettier (.prettierrc.json; .prettierignore says what is left
# alone: golden files, templates, corpus fixtures, vendor, dist, Markdown). Run after merging the
# branches that were open when the formatter arrived, so none of them conflicts with a tree-wide
# rewrite; afterwards `npm run format:check` (part of `npm test`) keeps it formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
npx prettier --write --log-level warn .
npx prettier --check --log-level warn .
