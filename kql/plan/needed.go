package plan

import (
	"reflect"
	"sort"
)

// NeededColumns returns the columns each table scanned by the plans reads, for pushing
// the needed-column set into ingest (logs.Options.Columns): a table some scan reads whole is left out of the map (so Load reads
// it whole). Scans are found wherever they are in the plans, subqueries and join sides
// included. Plan q before loading (the catalog knows the tables' schemas), then load with
// the result and plan again over the loaded tables.
func NeededColumns(qs ...*Query) map[string][]string {
	need := map[string]map[string]bool{}
	whole := map[string]bool{}
	seen := map[uintptr]bool{}
	scanType := reflect.TypeOf((*Scan)(nil))
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			if v.Type() == scanType {
				// Read through reflection, as the scan may sit in an unexported field.
				s := v.Elem()
				table := s.FieldByName("Table").String()
				needed, fields := s.FieldByName("Needed"), s.FieldByName("Fields")
				if needed.IsNil() {
					whole[table] = true
					return
				}
				if need[table] == nil {
					need[table] = map[string]bool{}
				}
				for i := 0; i < fields.Len() && i < needed.Len(); i++ {
					if needed.Index(i).Bool() {
						need[table][fields.Index(i).FieldByName("Name").String()] = true
					}
				}
				return
			}
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			if v.Kind() == reflect.Slice && v.IsNil() {
				return
			}
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				walk(it.Value())
			}
		}
	}
	for _, q := range qs {
		if q != nil {
			walk(reflect.ValueOf(q))
		}
	}
	out := map[string][]string{}
	for table, cols := range need {
		if whole[table] {
			continue
		}
		names := []string{}
		for c := range cols {
			names = append(names, c)
		}
		sort.Strings(names)
		out[table] = names
	}
	return out
}
