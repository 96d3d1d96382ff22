// Command socfeed parses, checks and runs Microsoft Sentinel KQL rules over exported logs and
// publishes them as an enriched feed. main only wires the process to [run]; see run.go.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
