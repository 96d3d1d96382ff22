package funcs

import (
	"sync"
	"time"
	_ "time/tzdata" // datetime_utc_to_local must not depend on the host's zoneinfo files

	"github.com/socfeed/socfeed/kql/types"
)

// zoneCache loads each IANA time zone once per registry; safe for concurrent use.
type zoneCache struct {
	mu sync.Mutex
	m  map[string]*time.Location
}

func newZoneCache() *zoneCache { return &zoneCache{m: make(map[string]*time.Location)} }

func (c *zoneCache) get(name string) *time.Location {
	c.mu.Lock()
	defer c.mu.Unlock()
	if loc, ok := c.m[name]; ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		loc = nil
	}
	if len(c.m) < 1024 {
		c.m[name] = loc
	}
	return loc
}

// timezoneFuncs declares the UTC/local conversions; datetimeFuncs includes them.
func timezoneFuncs() []*Func {
	zc := newZoneCache()
	dt := types.DateTime
	return []*Func{
		{
			Name: "datetime_utc_to_local", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("datetime_utc_to_local", dt, argDateTime, argString),
			Doc:    "converts a UTC datetime to the wall-clock time of an IANA time zone; null for an unknown zone",
			Examples: []Example{
				ex(`datetime_utc_to_local(datetime(2020-02-02 20:02:20), 'Europe/Paris')`, "2020-02-02 21:02:20.0000000"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				t, ok := asTicks(args[0], dt)
				loc := zc.get(text(args[1]))
				if !ok || loc == nil {
					return types.NullOf(dt)
				}
				u := types.TimeFromTicks(t)
				_, offset := u.In(loc).Zone()
				return checkedDateTime(t + int64(offset)*types.TicksPerSecond)
			},
		},
		{
			Name: "datetime_local_to_utc", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("datetime_local_to_utc", dt, argDateTime, argString),
			Doc:    "converts a wall-clock time in an IANA time zone to UTC; null for an unknown zone",
			Examples: []Example{
				ex(`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'US/Pacific')`, "2020-02-03 04:02:20.0000000"),
				ex(`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'America/Chicago')`, "2020-02-03 02:02:20.0000000"),
				ex(`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'Europe/Paris')`, "2020-02-02 19:02:20.0000000"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				t, ok := asTicks(args[0], dt)
				loc := zc.get(text(args[1]))
				if !ok || loc == nil {
					return types.NullOf(dt)
				}
				w := types.TimeFromTicks(t)
				local := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
				return checkedDateTime(types.TicksFromTime(local))
			},
		},
	}
}
