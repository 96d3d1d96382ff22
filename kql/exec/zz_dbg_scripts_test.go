package exec_test

import (
	"testing"

	"github.com/socfeed/socfeed/kql/funcs"
	"github.com/socfeed/socfeed/kql/kqltest"
	"github.com/socfeed/socfeed/kql/kqltest/exectest"
)

func TestZZDebugScripts(t *testing.T) {
	kqltest.Run(t, exectest.New(funcs.Default(), 1))
}
