#!/usr/bin/env bash
# install-js-client.sh installs the Node test client of the Kusto endpoint
# (kusto/testclient-js: Microsoft's azure-kusto-data, pinned by its package-lock.json) with
# `npm ci`, for kusto/jsclient_test.go. It installs Debian's nodejs and npm first when node
# or npm is missing (as root, or with sudo). It does nothing when the installed modules
# already match the lock file, so it is safe to run before every test run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/kusto/testclient-js"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "install-js-client.sh: node and npm not found, and no apt-get to install them" >&2
		exit 1
	fi
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		sudo="sudo"
	fi
	export DEBIAN_FRONTEND=noninteractive
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	if ! { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends nodejs npm; } >"$log" 2>&1; then
		echo "install-js-client.sh: installing nodejs and npm failed:" >&2
		tail -n 30 "$log" >&2
		exit 1
	fi
fi

# npm ci records the lock file it installed from; skip the install when it is unchanged.
stamp="$dir/node_modules/.package-lock.json"
if [ -f "$stamp" ] && [ -d "$dir/node_modules/azure-kusto-data" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
	exit 0
fi
cd "$dir"
if ! npm ci --no-audit --no-fund --loglevel=error; then
	echo "install-js-client.sh: npm ci failed in $dir" >&2
	exit 1
fi
