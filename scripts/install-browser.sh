#!/usr/bin/env bash
# install-browser.sh installs Debian's chromium for socfeed's end-to-end browser tests
# (web/browser_test.go). It does nothing when /usr/bin/chromium is already there, so it is
# safe to run before every test run. It needs root (CI and the developer machines run as
# root) and Debian's package registry.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-browser.sh: apt-get not found; install chromium at /usr/bin/chromium by hand" >&2
	exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1; then
	echo "install-browser.sh: installing chromium failed:" >&2
	tail -n 30 "$log" >&2
	exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
	echo "install-browser.sh: chromium installed but /usr/bin/chromium is missing" >&2
	exit 1
fi
