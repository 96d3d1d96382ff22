package rules_test

import (
	"fmt"
	"strings"

	"github.com/socfeed/socfeed/rules"
)

func ExampleLoader_Load() {
	src := `id: 6962473c-bcb8-421d-a0db-826078cad280
name: Failed portal sign-ins
query: |
  SigninLogs
  | where ResultType == "50126"
    entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: UserPrincipalName
`
	r, ds := rules.Loader{}.Load("rule.yaml", []byte(src))
	fmt.Println(ds)
	line, col := r.QueryPos(strings.Index(r.Query, "where"))
	fmt.Printf("'where' is at %d:%d\n", line, col)
	// Output:
	// rule.yaml:6:5: query block swallows what looks like the YAML key 'entityMappings:' at line 6; it is indented into the 'query: |' block
	// 'where' is at 5:5
}
