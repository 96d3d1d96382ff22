package syntax_test

import (
	"fmt"

	"github.com/socfeed/socfeed/kql/syntax"
)

func ExampleParse() {
	src := "SigninLogs\n| where ResultType != 0\n| summarize n = count() by UserPrincipalName"
	script, errs := syntax.Parse(src)
	if len(errs) > 0 {
		fmt.Println(errs[0].At(src))
		return
	}
	pipe := script.Stmts[0].(*syntax.ExprStmt).X.(*syntax.PipeExpr)
	for _, op := range pipe.Ops {
		line, col := syntax.LineCol(src, op.Pos())
		fmt.Printf("%d:%d %s\n", line, col, op.OpName())
	}
	// Output:
	// 2:3 where
	// 3:3 summarize
}

func ExampleParse_error() {
	src := "SigninLogs\n| project UserPrincipalName IPAddress"
	_, errs := syntax.Parse(src)
	for _, e := range errs {
		fmt.Println(e.At(src))
	}
	// Output:
	// 2:29: expected ',', found 'IPAddress' in 'project'
}

func ExamplePrint() {
	x, _ := syntax.ParseExpr(`T|where a>1 and b in~('x','y')|take 5`)
	fmt.Println(syntax.Print(x))
	// Output:
	// T
	// | where a > 1 and b in~ ("x", "y")
	// | take 5
}
