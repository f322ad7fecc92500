#!/usr/bin/env bash
# Compiles the Solidity contracts with solc-js (npm, offline once installed) into ABI + bytecode
# beside their sources. Usage: deploy/local/compile-contracts.sh [OUTPUT_DIR]
# With OUTPUT_DIR the artifacts go there instead (the test that checks the committed ones uses it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
stack=${VOTING_STACK_DIR:-$root/.stack}
solc_version=0.8.37
solcjs=$stack/solc/node_modules/.bin/solcjs
src=$root/Voting.Infrastructure/Chain/Contracts
out=${1:-$src}

if [[ ! -x $solcjs ]] || [[ $(cd "$stack/solc" && node -p "require('solc/package.json').version" 2>/dev/null) != "$solc_version" ]]; then
  mkdir -p "$stack/solc"
  npm install --silent --no-audit --no-fund --prefix "$stack/solc" "solc@$solc_version" >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$src" && "$solcjs" --bin --abi --optimize -o "$tmp" CheckpointAnchor.sol >/dev/null)
mkdir -p "$out"
cp "$tmp/CheckpointAnchor_sol_CheckpointAnchor.abi" "$out/CheckpointAnchor.abi"
cp "$tmp/CheckpointAnchor_sol_CheckpointAnchor.bin" "$out/CheckpointAnchor.bin"
echo "compiled CheckpointAnchor.sol with solc $solc_version into $out"
