package pack

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/socfeed/socfeed/logs"
	"github.com/socfeed/socfeed/rules"
	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/rules/hunt/local"
	"github.com/socfeed/socfeed/synth"
)

// seedsFlag lets `go test ./rules/pack -run TestMeasure -v -args -seeds 1,2,3` measure
// several tenants; the default measures one.
var seedsFlag = flag.String("seeds", "1", "comma-separated synth seeds TestMeasure generates tenants with")

// dataFiles returns the table files synth wrote into dir (not labels.json).
func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no table files in %s: %v", dir, err)
	}
	return files
}

// rowID returns the id labels.json names a row by.
func rowID(line []byte) string {
	var ids struct {
		ID       string `json:"Id"`
		AlertID  string `json:"SystemAlertId"`
		SnapshID string `json:"_ItemId"`
	}
	if json.Unmarshal(line, &ids) != nil {
		return ""
	}
	switch {
	case ids.AlertID != "":
		return ids.AlertID
	case ids.ID != "":
		return ids.ID
	}
	return ids.SnapshID
}

// scanRows calls fn with every row of the table files and its id.
func scanRows(t *testing.T, files []string, fn func(file, id string, line []byte)) {
	t.Helper()
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			fn(f, rowID(sc.Bytes()), sc.Bytes())
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// huntDir runs the pack over the table files of dir, replaying the schedule.
func huntDir(t *testing.T, ctx context.Context, rs []*rules.Rule, files []string) *hunt.Result {
	t.Helper()
	ds, rep, err := logs.Load(ctx, files, logs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) > 0 {
		t.Fatalf("%d synth rows rejected; the first: %s", len(rep.Rejected), rep.Rejected[0])
	}
	res, err := hunt.Run(ctx, local.New(ds.Tables, nil, nil), rs, hunt.Options{Replay: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failures {
		t.Errorf("rule %s failed: %v", f.Rule.Name, f.Diagnostics)
	}
	return res
}

// evidence is what ties a finding to a labelled scenario or near miss: its row ids, and the
// text of its rows, in which the finding's entities must appear.
type evidence struct {
	ids  map[string]bool
	text []byte
}

func newEvidence(l synth.Label, rows map[string][]byte) evidence {
	ev := evidence{ids: map[string]bool{}}
	for _, ids := range l.Rows {
		for _, id := range ids {
			ev.ids[id] = true
			ev.text = append(ev.text, bytes.ToLower(rows[id])...)
		}
	}
	return ev
}

// matches reports whether f is about the labelled rows: one of its result cells is (or
// lists) a labelled row id, or one of its Account or IP entities appears in those rows.
func (ev evidence) matches(f hunt.Finding) bool {
	for _, row := range f.Rows {
		for _, v := range row {
			s := v.String()
			for id := range ev.ids {
				if s == id || strings.Contains(s, `"`+id+`"`) {
					return true
				}
			}
		}
	}
	for _, e := range f.Entities {
		if e.Type != "Account" && e.Type != "IP" {
			continue
		}
		for _, id := range e.Identifiers {
			if id.Value != "" && bytes.Contains(ev.text, []byte(`"`+strings.ToLower(id.Value)+`"`)) {
				return true
			}
		}
	}
	return false
}

// measureRow is one line of the detection table.
type measureRow struct {
	scenario, techniques, rule string
	found, silent              bool
}

// TestMeasure is the pack's measure against synth: every scenario must be found by the rule
// labels.json names for it, every finding must be about a planted scenario, the data with
// the scenarios' rows taken out (the baseline plus every near miss) must raise nothing, and
// a baseline-only tenant must raise nothing. Scheduled and NRT rules are replayed on their
// schedule; hunting queries run once over all the data.
func TestMeasure(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and hunts a week of a 50-user tenant")
	}
	ctx := context.Background()
	rs, ds := Rules(rules.Loader{})
	if ds.HasErrors() {
		t.Fatalf("the pack does not load: %v", ds.Errors())
	}
	names := map[string]string{}
	for _, r := range rs {
		names[r.ID] = r.Name
	}
	for _, s := range strings.Split(*seedsFlag, ",") {
		seed, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			t.Fatalf("-seeds: %v", err)
		}
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) { measureSeed(t, ctx, rs, names, seed) })
	}
}

func measureSeed(t *testing.T, ctx context.Context, rs []*rules.Rule, names map[string]string, seed int64) {
	root := t.TempDir()
	all := filepath.Join(root, "all")
	labels, err := synth.WriteDir(all, synth.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	files := dataFiles(t, all)

	// The raw rows of every scenario and near miss, by id.
	labelled := map[string]bool{}
	planted := map[string]bool{}
	for _, l := range append(slices.Clone(labels.Scenarios), labels.NearMisses...) {
		for _, ids := range l.Rows {
			for _, id := range ids {
				labelled[id] = true
			}
		}
	}
	for _, l := range labels.Scenarios {
		for _, ids := range l.Rows {
			for _, id := range ids {
				planted[id] = true
			}
		}
	}
	rows := map[string][]byte{}
	// The same tables without the scenarios' rows: the baseline and the near misses.
	nearDir := filepath.Join(root, "near")
	if err := os.MkdirAll(nearDir, 0o755); err != nil {
		t.Fatal(err)
	}
	outs := map[string]*bytes.Buffer{}
	scanRows(t, files, func(file, id string, line []byte) {
		if labelled[id] {
			rows[id] = slices.Clone(line)
		}
		b := outs[file]
		if b == nil {
			b = &bytes.Buffer{}
			outs[file] = b
		}
		if !planted[id] {
			b.Write(line)
			b.WriteByte('\n')
		}
	})
	for file, b := range outs {
		if err := os.WriteFile(filepath.Join(nearDir, filepath.Base(file)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	res := huntDir(t, ctx, rs, files)
	var table []measureRow
	explained := make([]bool, len(res.Findings))
	for _, sc := range labels.Scenarios {
		ev := newEvidence(sc, rows)
		mr := measureRow{scenario: sc.Name, techniques: strings.Join(sc.Techniques, ", "), silent: true}
		for _, id := range sc.DetectedBy {
			mr.rule = id
			if names[id] == "" {
				t.Errorf("scenario %s: no rule in the pack has the id %s it names", sc.Name, id)
			}
		}
		for i, f := range res.Findings {
			if !ev.matches(f) {
				continue
			}
			explained[i] = true
			if slices.Contains(sc.DetectedBy, f.Rule.ID) {
				mr.found = true
			}
		}
		if !mr.found {
			t.Errorf("scenario %s: no finding of rule %s about its rows", sc.Name, mr.rule)
		}
		table = append(table, mr)
	}
	for i, f := range res.Findings {
		if !explained[i] {
			t.Errorf("finding %q of rule %s is about no planted scenario (entities %v)", f.Title, f.Rule.Name, f.Entities)
		}
	}

	near := huntDir(t, ctx, rs, dataFiles(t, nearDir))
	for _, nm := range labels.NearMisses {
		ev := newEvidence(nm, rows)
		for _, f := range near.Findings {
			if ev.matches(f) {
				t.Errorf("near miss %s (%s): rule %s fired: %q", nm.Name, nm.Scenario, f.Rule.Name, f.Title)
				for i := range table {
					if table[i].scenario == nm.Scenario {
						table[i].silent = false
					}
				}
			}
		}
	}
	for _, f := range near.Findings {
		t.Errorf("with the scenarios taken out, rule %s still fired: %q", f.Rule.Name, f.Title)
	}

	baseDir := filepath.Join(root, "baseline")
	if _, err := synth.WriteDir(baseDir, synth.Options{Seed: seed, Scenarios: []string{}}); err != nil {
		t.Fatal(err)
	}
	base := huntDir(t, ctx, rs, dataFiles(t, baseDir))
	for _, f := range base.Findings {
		t.Errorf("baseline tenant: rule %s fired: %q", f.Rule.Name, f.Title)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: %d findings on all scenarios (%d rules fired), %d with the scenarios taken out, %d on the baseline\n",
		seed, len(res.Findings), len(hunt.Summarize(res, 0).RulesFired), len(near.Findings), len(base.Findings))
	b.WriteString("| scenario | techniques | rule | found | near misses silent |\n|---|---|---|---|---|\n")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, r := range table {
		fmt.Fprintf(&b, "| %s | %s | `%s` %s | %s | %s |\n", r.scenario, r.techniques, r.rule, names[r.rule], yes[r.found], yes[r.silent])
	}
	t.Log("\n" + b.String())
}
