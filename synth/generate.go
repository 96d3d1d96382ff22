package synth

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/socfeed/socfeed/schema"
)

// gen holds the state of one generation run.
type gen struct {
	o               Options
	r               *rand.Rand // the stream in use: base or scen
	base, scen      *rand.Rand // baseline and scenario streams, kept apart so scenarios only add rows
	w               *world
	start, end      time.Time // data covers [start, end)
	cat             *schema.Catalog
	tables          map[string][]row // rows generated but not yet written
	writers         map[string]tableWriter
	interactiveOnly []string // SigninLogs columns AADNonInteractiveUserSignInLogs lacks
	pool            []*user  // non-admin users in the order scenarios take them
	next            int
	trips           []trip
	spNext          []time.Time // each service principal's next sign-in
	flushed         time.Time   // rows before this instant have been written
}

// Generate builds the tenant, its baseline activity and the scenarios opts names, and writes
// every table and labels.json to out in opts.Format. The same opts always give the same bytes.
//
// Rows are written day by day, so memory stays bounded by a few days of data, except in
// FormatGraph, whose pages list the newest records first and are written at the end.
// Generate may be called concurrently; it shares nothing between calls but opts.Catalog,
// which it only reads.
func Generate(opts Options, out Sink) (*Labels, error) {
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	g := newGen(o)
	labels := &Labels{
		Seed: o.Seed, Users: o.Users, Days: o.Days, Format: o.Format,
		Start: g.start.Format(time.RFC3339), End: g.end.Format(time.RFC3339),
		Scenarios: []Label{}, NearMisses: []Label{},
	}
	if err := g.openWriters(out); err != nil {
		return nil, err
	}
	for d := 0; d < o.Days; d++ {
		day := g.start.AddDate(0, 0, d)
		g.baselineDay(d, day)
		g.r = g.scen
		for _, sc := range scenarioTable() {
			if !slices.Contains(o.Scenarios, sc.name) || !g.scenarioDay(sc.name).Equal(day) {
				continue
			}
			hit, near := sc.plant(g, day)
			hit.Name, hit.Scenario, hit.Description = sc.name, sc.name, sc.description
			hit.Techniques, hit.DetectedBy = sc.techniques, []string{sc.rule}
			labels.Scenarios = append(labels.Scenarios, hit)
			for _, n := range near {
				n.Scenario, n.Techniques, n.DetectedBy = sc.name, sc.techniques, hit.DetectedBy
				labels.NearMisses = append(labels.NearMisses, n)
			}
		}
		g.r = g.base
		// Rows of later days start no earlier than a day before them (time zones east of UTC
		// start their working day the previous UTC evening), so everything before today is final.
		if err := g.flush(day); err != nil {
			g.closeWriters()
			return nil, err
		}
	}
	if err := g.flush(g.end.Add(time.Hour)); err != nil {
		g.closeWriters()
		return nil, err
	}
	if err := g.closeWriters(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(labels.Scenarios, func(a, b Label) int {
		return slices.Index(ScenarioNames(), a.Name) - slices.Index(ScenarioNames(), b.Name)
	})
	slices.SortStableFunc(labels.NearMisses, func(a, b Label) int {
		return slices.Index(ScenarioNames(), a.Scenario) - slices.Index(ScenarioNames(), b.Scenario)
	})
	if err := writeLabels(out, labels); err != nil {
		return nil, err
	}
	return labels, nil
}

func newGen(o Options) *gen {
	start := o.End.AddDate(0, 0, 1-o.Days)
	g := &gen{
		o:      o,
		base:   rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed50cfeed)),
		scen:   rand.New(rand.NewPCG(uint64(o.Seed), 0x5ce4a410)),
		start:  start,
		end:    o.End.AddDate(0, 0, 1),
		cat:    o.Catalog,
		tables: map[string][]row{},
	}
	g.r = g.base
	g.w = newWorld(g.r, o.Users, start)
	si := g.mustTable(tSignin)
	ni := g.mustTable(tNonInter)
	for _, c := range si.Columns {
		if _, ok := ni.Column(c.Name); !ok {
			g.interactiveOnly = append(g.interactiveOnly, c.Name)
		}
	}
	for _, u := range g.w.users {
		if !u.admin {
			g.pool = append(g.pool, u)
		}
	}
	g.r.Shuffle(len(g.pool), func(i, j int) { g.pool[i], g.pool[j] = g.pool[j], g.pool[i] })
	g.planTrips()
	return g
}

// victim returns the next non-admin user scenarios have not used yet, wrapping around when the
// tenant is small.
// Travellers are skipped while others remain, so that a victim's planted sign-ins never
// collide with a trip.
func (g *gen) victim() *user {
	for range len(g.pool) {
		u := g.pool[g.next%len(g.pool)]
		g.next++
		if !g.traveller(u) {
			return u
		}
	}
	u := g.pool[g.next%len(g.pool)]
	g.next++
	return u
}

// victimNear returns the next unused victim whose home is within km of place, or the next
// victim when there is none.
func (g *gen) victimNear(place *city, km float64) *user {
	for i := range len(g.pool) {
		u := g.pool[(g.next+i)%len(g.pool)]
		if !g.traveller(u) && distanceKm(u.home, place) <= km {
			g.pool[(g.next+i)%len(g.pool)], g.pool[g.next%len(g.pool)] = g.pool[g.next%len(g.pool)], u
			g.next++
			return u
		}
	}
	return g.victim()
}

// scenarioDay is the midnight of the day a scenario plays out: one of the last three days, so
// that rules with short look-backs see it.
func (g *gen) scenarioDay(name string) time.Time {
	i := slices.Index(ScenarioNames(), name)
	back := i % min(g.o.Days, 3)
	return g.end.AddDate(0, 0, -1-back)
}

// emit adds r to table, filling the columns every table shares, and returns the row's id.
func (g *gen) emit(table string, r row) string {
	tg := r["TimeGenerated"].(time.Time)
	if tg.Before(g.flushed) {
		panic(fmt.Sprintf("internal error: %s row at %v after rows up to %v were written", table, tg, g.flushed))
	}
	r["TenantId"] = g.w.workspaceID
	r["Type"] = table
	if _, ok := r["SourceSystem"]; !ok && table != tAlert {
		r["SourceSystem"] = "Azure AD"
	}
	r["_ItemId"] = newGUID(g.r)
	r["_TimeReceived"] = tg.Add(time.Duration(30+g.r.IntN(240)) * time.Second)
	r["_IsBillable"] = "True"
	r["_SubscriptionId"] = ""
	r["_ResourceId"] = ""
	if table != tAlert && table != tIdentity {
		r["_ResourceId"] = "/tenants/" + g.w.tenantID + "/providers/microsoft.aadiam"
	}
	g.tables[table] = append(g.tables[table], r)
	return r[idColumn(table)].(string)
}

// flush sorts the pending rows of every table by time (then id), sets their billed size and
// writes those earlier than before.
func (g *gen) flush(before time.Time) error {
	for _, table := range Tables() {
		rows := g.tables[table]
		idc := idColumn(table)
		slices.SortStableFunc(rows, func(a, b row) int {
			if c := a["TimeGenerated"].(time.Time).Compare(b["TimeGenerated"].(time.Time)); c != 0 {
				return c
			}
			return cmp.Compare(a[idc].(string), b[idc].(string))
		})
		n, _ := slices.BinarySearchFunc(rows, before, func(r row, t time.Time) int {
			return r["TimeGenerated"].(time.Time).Compare(t)
		})
		for _, r := range rows[:n] {
			r["_BilledSize"] = float64(billedSize(r))
		}
		if err := g.writers[table].write(rows[:n]); err != nil {
			return err
		}
		g.tables[table] = append([]row(nil), rows[n:]...)
	}
	g.flushed = before
	return nil
}

// billedSize approximates what Log Analytics bills for a row: the size of its values.
func billedSize(r row) int {
	n := 0
	for k, v := range r {
		if k[0] != '_' {
			n += sizeOf(v)
		}
	}
	return n
}

// inWindow reports whether t falls inside the generated period.
func (g *gen) inWindow(t time.Time) bool { return !t.Before(g.start) && t.Before(g.end) }

// jitter returns a random duration in [0, d).
func (g *gen) jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(g.r.Int64N(int64(d)))
}

func (g *gen) mustTable(name string) *schema.Table {
	t, ok := g.cat.Table(name)
	if !ok {
		panic(fmt.Sprintf("internal error: table %s missing from the schema catalog", name))
	}
	return t
}
