#!/usr/bin/env bash
# Runs every socfeed test. This is the README's test command and what CI runs (.ci/run).
# Tests that need ../shared (the KQL reference, corpus, schemas and samples) skip with a
# message naming the folder when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
go vet ./...
go test -count=1 ./...
