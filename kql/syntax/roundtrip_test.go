package syntax

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dumpTree writes the shape of a tree: node types and field values, without
// positions, comments and the raw spelling of strings and bracketed names,
// which the printer canonicalizes. (go-cmp over whole corpora is too slow.)
func dumpTree(n Node) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	return b.String()
}

var posType = reflect.TypeOf(Pos(0))

func dumpValue(b *strings.Builder, v reflect.Value, indent int) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		dumpValue(b, v.Elem(), indent)
	case reflect.Struct:
		t := v.Type()
		b.WriteString(t.Name() + "{")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Type == posType || f.Name == "Raw" || f.Name == "Comments" || f.Name == "Pipes" {
				continue
			}
			fmt.Fprintf(b, "\n%s%s: ", strings.Repeat("  ", indent+1), f.Name)
			dumpValue(b, v.Field(i), indent+1)
		}
		b.WriteString("}")
	case reflect.Slice:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			dumpValue(b, v.Index(i), indent+1)
		}
		b.WriteString("]")
	default:
		fmt.Fprintf(b, "%#v", v.Interface())
	}
}

// TestRoundTripCorpus checks, for every corpus query that parses, that
// printing and reparsing gives a tree that prints identically.
func TestRoundTripCorpus(t *testing.T) {
	recs := loadCorpus(t)
	var n, failed int
	for _, r := range recs {
		s, errs := Parse(r.Query)
		if len(errs) > 0 {
			continue
		}
		n++
		if !roundTrip(t, r.ID, s) {
			failed++
			if failed > 10 {
				t.Fatal("too many failures")
			}
		}
	}
	t.Logf("round-tripped %d queries", n)
}

// roundTrip reports whether s prints, reparses without errors and prints
// the same again; it logs the first difference.
func roundTrip(t *testing.T, name string, s *Script) bool {
	t.Helper()
	first := Print(s)
	s2, errs := Parse(first)
	if len(errs) > 0 {
		t.Errorf("%s: reparse of printed form failed: %s\n%s", name, errs[0].At(first), first)
		return false
	}
	if diff := cmp.Diff(dumpTree(s), dumpTree(s2)); diff != "" {
		t.Errorf("%s: reparsed tree differs (-want +got):\n%s", name, diff)
		return false
	}
	second := Print(s2)
	if first != second {
		t.Errorf("%s: print(parse(print(x))) differs:\nfirst:\n%s\nsecond:\n%s", name, first, second)
		return false
	}
	return true
}
