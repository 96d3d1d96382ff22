#!/usr/bin/env bash
# Runs every socfeed test. This is the README's test command and what CI runs (.ci/run).
#
# It first installs what the end-to-end tests need and the machine may lack: Debian's
# Chromium for the web UI browser tests, and Microsoft's Node Kusto client (azure-kusto-data)
# for the Kusto endpoint tests. Under CI (CI=true) a failed install fails the run; elsewhere
# it is a warning and those tests skip, saying what is missing.
#
# Tests that need ../shared (the KQL reference, corpus, schemas and samples) skip with a
# message naming the folder when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

for script in scripts/install-browser.sh scripts/install-js-client.sh; do
	if ! bash "$script"; then
		if [ "${CI:-}" = "true" ]; then
			echo "test.sh: $script failed" >&2
			exit 1
		fi
		echo "test.sh: warning: $script failed; the tests that need it will skip" >&2
	fi
done

go vet ./...
go test -count=1 ./...
