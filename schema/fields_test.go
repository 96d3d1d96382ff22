package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/kql/column"
	"github.com/socfeed/socfeed/kql/types"
)

func TestCatalogFields(t *testing.T) {
	c := NewCatalog(&Table{Name: "T", Columns: []Column{{"TimeGenerated", types.DateTime}, {"User", types.String}, {"N", types.Long}}})
	got, ok := c.Fields("T")
	want := []column.Field{{Name: "TimeGenerated", Type: types.DateTime}, {Name: "User", Type: types.String}, {Name: "N", Type: types.Long}}
	if diff := cmp.Diff(want, got); !ok || diff != "" {
		t.Errorf("Fields(T) = _, %v (-want +got):\n%s", ok, diff)
	}
	if fs, ok := c.Fields("t"); ok || fs != nil {
		t.Errorf("Fields(t) = %v, %v; want nil, false (names are case-sensitive)", fs, ok)
	}
}
