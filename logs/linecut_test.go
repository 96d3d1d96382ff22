package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/schema"
)

// streamCuts streams path in chunks of the given size, reading each elements unit as a
// Load worker does, and returns how many units started at a line cut and the chunks
// from which the file was read again.
func streamCuts(t *testing.T, path string, chunk int) (cuts int, drops []int) {
	t.Helper()
	cat := schema.Default()
	f, ok := inputOf(path, "", cat)
	if !ok {
		t.Fatalf("%s: not an input file", path)
	}
	send := func(u unit) bool {
		if u.restart != nil {
			cuts++
		}
		clean := true
		if u.kind == unitElems {
			p := &part{file: path, tables: map[string]*tableBuilder{}, rejTable: map[string]int{}}
			r := &reader{ctx: context.Background(), cat: cat, batchSize: 64, p: p, hint: f.table, stem: f.stem, data: u.data, end: u.end, lineBase: u.lineBase, colBase: u.colBase}
			err := r.readElems(u.mode)
			clean = err == nil && !r.broken
		}
		if u.lines != nil {
			u.lines.report(u.order[1], clean)
		}
		return true
	}
	if _, _, err := streamFile(f, 0, chunk, cat, nil, send, func(idx, from int) { drops = append(drops, from) }); err != nil {
		t.Fatal(err)
	}
	return cuts, drops
}

// oneLine returns n exported rows as a JSON array, one element a line.
func oneLine(n int) []string {
	return strings.Split(strings.TrimSpace(string(synthSignins(n, 0))), "\n")
}

func TestLineCuts(t *testing.T) {
	rows := oneLine(400)
	arr := "[\n" + strings.Join(rows, ",\n") + "\n]\n"
	path := writeFile(t, "SigninLogs.json", arr)
	for _, chunk := range []int{4096, 64 << 10} {
		cuts, drops := streamCuts(t, path, chunk)
		if cuts == 0 || len(drops) != 0 {
			t.Errorf("%d-byte chunks: %d line cuts, read again from %v; want cuts and no reading again", chunk, cuts, drops)
		}
	}
	checkChunked(t, path, 4096, 20000, 64<<10)

	// CRLF line ends, a capture wrapper, and blanks before the elements.
	crlf := writeFile(t, "SigninLogs_crlf.json", "[\r\n  "+strings.Join(rows, ",\r\n  ")+"\r\n]\r\n")
	if cuts, drops := streamCuts(t, crlf, 8192); cuts == 0 || len(drops) != 0 {
		t.Errorf("CRLF: %d line cuts, read again from %v", cuts, drops)
	}
	checkChunked(t, crlf, 4096, 20000)
	env := make([]string, len(rows))
	for i, r := range rows {
		env[i] = `{"time":"2024-01-05T10:00:00Z","category":"SignInLogs","properties":` + r + `}`
	}
	capture := writeFile(t, "capture.json", `{"records":[`+strings.Join(env, ",\n")+"]}")
	if cuts, drops := streamCuts(t, capture, 8192); cuts == 0 || len(drops) != 0 {
		t.Errorf("capture: %d line cuts, read again from %v", cuts, drops)
	}
	checkChunked(t, capture, 4096, 20000)
}

func TestLineCutsWrong(t *testing.T) {
	// After many elements one a line, an element whose nested array of objects runs over
	// many lines, each looking like an element of the array after a ',': a cut there is
	// wrong, the unit before it does not read cleanly, and the file is read again from
	// the last good cut. The same tables, rejections and byte count as in one piece.
	rows := oneLine(300)
	var nested []string
	for i := 0; i < 200; i++ {
		nested = append(nested, fmt.Sprintf(`{"id":"n%d","displayName":"policy %d, ], {","result":"success"}`, i, i))
	}
	trap := strings.Replace(rows[150], `"ConditionalAccessPolicies":[`, `"ConditionalAccessPolicies":[`+"\n"+strings.Join(nested, ",\n")+",\n", 1)
	if trap == rows[150] {
		t.Fatal("no ConditionalAccessPolicies array to stretch")
	}
	rows[150] = trap
	arr := "[\n" + strings.Join(rows, ",\n") + "\n]\n"
	path := writeFile(t, "SigninLogs.json", arr)
	again := 0
	for _, chunk := range []int{4096, 5000, 9000, 16384} {
		cuts, drops := streamCuts(t, path, chunk)
		if cuts == 0 {
			t.Errorf("%d-byte chunks: no line cuts", chunk)
		}
		again += len(drops)
	}
	if again == 0 {
		t.Errorf("no chunk size cut inside the nested array")
	}
	_, rep := checkChunked(t, path, 4096, 5000, 9000, 16384)
	if rep.Rows["SigninLogs"] != 300 || len(rep.Rejected) != 0 {
		t.Errorf("rows %v, rejected %v: want 300 rows, none rejected", rep.Rows, rep.Rejected)
	}

	// A broken element among the cut ones: rejected once, at its line, as in one piece.
	rows = oneLine(300)
	rows[200] = `{"TimeGenerated":"2024-01-05T10:00:00Z","UserPrincipalName":[}`
	broken := writeFile(t, "SigninLogs_broken.json", "[\n"+strings.Join(rows, ",\n")+"\n]\n")
	if _, drops := streamCuts(t, broken, 8192); len(drops) != 1 {
		t.Errorf("broken element: read again from %v, want once", drops)
	}
	_, rep = checkChunked(t, broken, 4096, 8192, 20000)
	if len(rep.Rejected) != 1 || rep.Rejected[0].Line != 202 {
		t.Errorf("rejected %v: want one, at line 202", rep.Rejected)
	}
}

func TestLineCutsProgress(t *testing.T) {
	// Reading a file again does not count its bytes, rows or rejections twice.
	rows := oneLine(300)
	rows[200] = `{"TimeGenerated":"2024-01-05T10:00:00Z","UserPrincipalName":[}`
	arr := "[\n" + strings.Join(rows, ",\n") + "\n]\n"
	path := writeFile(t, "SigninLogs.json", arr)
	for _, w := range []int{1, 2} {
		var pr Progress
		_, rep, err := Load(context.Background(), []string{path}, Options{Workers: w, ChunkSize: 8192, Progress: &pr})
		if err != nil {
			t.Fatal(err)
		}
		if pr.Bytes.Load() != int64(len(arr)) || rep.Bytes != int64(len(arr)) || pr.Rows.Load() != 299 || pr.Rejected.Load() != 1 {
			t.Errorf("%d workers: progress %d bytes, %d rows, %d rejected; report %d bytes; want %d, 299, 1", w, pr.Bytes.Load(), pr.Rows.Load(), pr.Rejected.Load(), rep.Bytes, len(arr))
		}
	}
}
