package funcs

import (
	"math"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/types"
)

// datetimeFuncs declares the datetime and timespan functions. now() and ago() read
// [Context.Now], so one query sees one clock.
func datetimeFuncs() []*Func {
	dt, ts, i32 := types.DateTime, types.TimeSpan, types.Int
	// part declares a function of one datetime returning a calendar part.
	part := func(name string, aliases []string, ret types.Type, doc string, get func(time.Time) int64, examples ...Example) *Func {
		return &Func{
			Name: name, Aliases: aliases, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns(name, ret, argDateTime), Doc: doc, Examples: examples,
			Scalar: func(_ *Context, args []types.Value) types.Value {
				t, ok := asTicks(args[0], dt)
				if !ok {
					return types.NullOf(ret)
				}
				v := get(types.TimeFromTicks(t))
				if ret == ts {
					return types.NewTimeSpan(v)
				}
				if ret == i32 {
					return types.NewInt(int32(v))
				}
				return types.NewLong(v)
			},
		}
	}
	// bound declares startof*/endof*(date [, offset]).
	bound := func(name string, unit calUnit, end bool, doc string, examples ...Example) *Func {
		return &Func{
			Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: returns(name, dt, argDateTime, argInteger), Doc: doc, Examples: examples,
			Scalar: func(_ *Context, args []types.Value) types.Value {
				t, ok := asTicks(args[0], dt)
				if !ok {
					return types.NullOf(dt)
				}
				off := int64(0)
				if len(args) > 1 {
					if off, ok = asLong(args[1]); !ok {
						return types.NullOf(dt)
					}
				}
				start := unitStart(types.TimeFromTicks(t), unit)
				if end {
					off++
				}
				r, ok := addUnits(start, unit, off)
				if !ok {
					return types.NullOf(dt)
				}
				ticks := types.TicksFromTime(r)
				if end {
					ticks--
				}
				return types.NewDateTime(ticks)
			},
		}
	}
	unixTo := func(name string, perTick float64, doc string, examples ...Example) *Func {
		return &Func{
			Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns(name, dt, argNumber), Doc: doc, Examples: examples,
			Scalar: func(_ *Context, args []types.Value) types.Value {
				if args[0].Type.IsInteger() && !args[0].IsNull() {
					// Exact integer arithmetic for the common long input.
					n := args[0].I
					var ticks int64
					switch perTick {
					case 1e7:
						if n > math.MaxInt64/types.TicksPerSecond || n < math.MinInt64/types.TicksPerSecond {
							return types.NullOf(dt)
						}
						ticks = n * types.TicksPerSecond
					case 1e4:
						if n > math.MaxInt64/types.TicksPerMillisecond || n < math.MinInt64/types.TicksPerMillisecond {
							return types.NullOf(dt)
						}
						ticks = n * types.TicksPerMillisecond
					case 10:
						ticks = n / 1 * 10
					default: // nanoseconds
						ticks = n / 100
					}
					return checkedDateTime(ticks)
				}
				f, ok := asReal(args[0])
				if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
					return types.NullOf(dt)
				}
				t := f * perTick
				if t > 9.2e18 || t < -9.2e18 {
					return types.NullOf(dt)
				}
				return checkedDateTime(int64(math.Round(t)))
			},
		}
	}
	return append(timezoneFuncs(), []*Func{
		{
			Name: "now", Kind: Scalar, MinArgs: 0, MaxArgs: 1,
			Result: returns("now", dt, argTimeSpan),
			Doc:    "returns the current UTC time (fixed for the whole query), optionally offset by a timespan",
			Scalar: func(ctx *Context, args []types.Value) types.Value {
				if len(args) == 0 {
					return types.NewDateTime(ctx.Now)
				}
				off, ok := asTicks(args[0], ts)
				if !ok {
					return types.NullOf(dt)
				}
				return checkedDateTime(ctx.Now + off)
			},
		},
		{
			Name: "ago", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("ago", dt, argTimeSpan),
			Doc:    "returns the current UTC time (fixed for the whole query) minus the timespan",
			Scalar: func(ctx *Context, args []types.Value) types.Value {
				off, ok := asTicks(args[0], ts)
				if !ok {
					return types.NullOf(dt)
				}
				return checkedDateTime(ctx.Now - off)
			},
		},
		{
			Name: "datetime_add", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("datetime_add", dt, argString, argInteger, argDateTime),
			Doc:    "adds an amount of a calendar period (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond) to a datetime",
			Examples: []Example{
				ex(`datetime_add('year',1,make_datetime(2017,1,1))`, "2018-01-01 00:00:00.0000000"),
				ex(`datetime_add('quarter',1,make_datetime(2017,1,1))`, "2017-04-01 00:00:00.0000000"),
				ex(`datetime_add('month',1,make_datetime(2017,1,1))`, "2017-02-01 00:00:00.0000000"),
				ex(`datetime_add('week',1,make_datetime(2017,1,1))`, "2017-01-08 00:00:00.0000000"),
				ex(`datetime_add('day',1,make_datetime(2017,1,1))`, "2017-01-02 00:00:00.0000000"),
				ex(`datetime_add('hour',1,make_datetime(2017,1,1))`, "2017-01-01 01:00:00.0000000"),
				ex(`datetime_add('minute',1,make_datetime(2017,1,1))`, "2017-01-01 00:01:00.0000000"),
				ex(`datetime_add('second',1,make_datetime(2017,1,1))`, "2017-01-01 00:00:01.0000000"),
				ex(`datetime_add('year',-5,make_datetime(2017,1,1))`, "2012-01-01T00:00:00Z"),
				ex(`datetime_add('quarter',12,make_datetime(2017,1,1))`, "2020-01-01T00:00:00Z"),
				ex(`datetime_add('month',-15,make_datetime(2017,1,1))`, "2015-10-01T00:00:00Z"),
				ex(`datetime_add('week',100,make_datetime(2017,1,1))`, "2018-12-02T00:00:00Z"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				unit, ok := parseCalUnit(text(args[0]))
				n, ok2 := asLong(args[1])
				t, ok3 := asTicks(args[2], dt)
				if !ok || !ok2 || !ok3 {
					return types.NullOf(dt)
				}
				if unit == unitDayOfYear {
					return types.NullOf(dt)
				}
				r, ok := addUnits(types.TimeFromTicks(t), unit, n)
				if !ok {
					return types.NullOf(dt)
				}
				return checkedDateTime(types.TicksFromTime(r))
			},
		},
		{
			Name: "datetime_diff", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns("datetime_diff", types.Long, argString, argDateTime, argDateTime),
			Doc:    "returns the number of calendar-period boundaries between the second datetime and the first (first minus second)",
			Examples: []Example{
				ex(`datetime_diff('year',datetime(2017-01-01),datetime(2000-12-31))`, "17"),
				ex(`datetime_diff('quarter',datetime(2017-07-01),datetime(2017-03-30))`, "2"),
				ex(`datetime_diff('month',datetime(2017-01-01),datetime(2015-12-30))`, "13"),
				ex(`datetime_diff('week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59))`, "5"),
				ex(`datetime_diff('day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59))`, "29"),
				ex(`datetime_diff('hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59))`, "2"),
				ex(`datetime_diff('minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59))`, "5"),
				ex(`datetime_diff('second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900))`, "10"),
				ex(`datetime_diff('millisecond',datetime(2017-10-30 23:00:00.200100),datetime(2017-10-30 23:00:00.100900))`, "100"),
				ex(`datetime_diff('microsecond',datetime(2017-10-30 23:00:00.1009001),datetime(2017-10-30 23:00:00.1008009))`, "100"),
				ex(`datetime_diff('nanosecond',datetime(2017-10-30 23:00:00.0000000),datetime(2017-10-30 23:00:00.0000007))`, "-700"),
			},
			Scalar: datetimeDiff,
		},
		{
			Name: "datetime_part", Aliases: []string{"datepart"}, Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("datetime_part", i32, argString, argDateTime),
			Doc:    "returns a part of a datetime: year, quarter, month, week_of_year, day, dayofyear, hour, minute, second, millisecond, microsecond or nanosecond",
			Examples: []Example{
				ex(`datetime_part("year", datetime(2017-10-30 01:02:03.7654321))`, "2017"),
				ex(`datetime_part("quarter", datetime(2017-10-30 01:02:03.7654321))`, "4"),
				ex(`datetime_part("month", datetime(2017-10-30 01:02:03.7654321))`, "10"),
				ex(`datetime_part("week_of_year", datetime(2017-10-30 01:02:03.7654321))`, "44"),
				ex(`datetime_part("day", datetime(2017-10-30 01:02:03.7654321))`, "30"),
				ex(`datetime_part("dayOfYear", datetime(2017-10-30 01:02:03.7654321))`, "303"),
				ex(`datetime_part("hour", datetime(2017-10-30 01:02:03.7654321))`, "1"),
				ex(`datetime_part("minute", datetime(2017-10-30 01:02:03.7654321))`, "2"),
				ex(`datetime_part("second", datetime(2017-10-30 01:02:03.7654321))`, "3"),
				ex(`datetime_part("millisecond", datetime(2017-10-30 01:02:03.7654321))`, "765"),
				ex(`datetime_part("microsecond", datetime(2017-10-30 01:02:03.7654321))`, "765432"),
				ex(`datetime_part("nanosecond", datetime(2017-10-30 01:02:03.7654321))`, "765432100"),
			},
			Scalar: datetimePart,
		},
		part("dayofweek", nil, ts, "returns the number of days since the preceding Sunday, as a timespan",
			func(t time.Time) int64 { return int64(t.Weekday()) * types.TicksPerDay },
			ex(`dayofweek(datetime(1947-11-30 10:00:05))`, "00:00:00"),
			ex(`dayofweek(datetime(1970-05-11))`, "1.00:00:00"),
		),
		part("dayofmonth", nil, i32, "returns the day of the month, 1 to 31",
			func(t time.Time) int64 { return int64(t.Day()) },
			ex(`dayofmonth(datetime(2015-12-14))`, "14"),
		),
		part("dayofyear", nil, i32, "returns the day of the year, 1 to 366",
			func(t time.Time) int64 { return int64(t.YearDay()) },
			ex(`dayofyear(datetime(2015-12-14))`, "348"),
		),
		part("hourofday", nil, i32, "returns the hour of the day, 0 to 23",
			func(t time.Time) int64 { return int64(t.Hour()) },
			ex(`hourofday(datetime(2015-12-14 18:54))`, "18"),
		),
		part("monthofyear", []string{"getmonth"}, i32, "returns the month of the year, 1 to 12",
			func(t time.Time) int64 { return int64(t.Month()) },
			ex(`monthofyear(datetime("2015-12-14"))`, "12"),
		),
		part("getyear", nil, i32, "returns the year",
			func(t time.Time) int64 { return int64(t.Year()) },
			ex(`getyear(datetime(2015-10-12))`, "2015"),
		),
		part("week_of_year", []string{"weekofyear"}, i32, "returns the ISO 8601 week number, 1 to 53",
			func(t time.Time) int64 { _, w := t.ISOWeek(); return int64(w) },
			ex(`week_of_year(datetime(2020-12-31))`, "53"),
			ex(`week_of_year(datetime(2020-06-15))`, "25"),
			ex(`week_of_year(datetime(1970-01-01))`, "1"),
			ex(`week_of_year(datetime(2000-01-01))`, "52"),
		),
		bound("startofday", unitDay, false, "returns the start of the day, optionally offset by a number of days",
			ex(`startofday(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31 00:00:00.0000000"),
			ex(`startofday(datetime(2017-01-01 10:10:17), 0)`, "2017-01-01 00:00:00.0000000"),
			ex(`startofday(datetime(2017-01-01 10:10:17), 1)`, "2017-01-02 00:00:00.0000000"),
		),
		bound("startofweek", unitWeek, false, "returns the start of the week (Sunday), optionally offset by a number of weeks",
			ex(`startofweek(datetime(2017-01-01 10:10:17), -1)`, "2016-12-25 00:00:00.0000000"),
			ex(`startofweek(datetime(2017-01-01 10:10:17), 0)`, "2017-01-01 00:00:00.0000000"),
			ex(`startofweek(datetime(2017-01-01 10:10:17), 1)`, "2017-01-08 00:00:00.0000000"),
		),
		bound("startofmonth", unitMonth, false, "returns the start of the month, optionally offset by a number of months",
			ex(`startofmonth(datetime(2017-01-01 10:10:17), -1)`, "2016-12-01 00:00:00.0000000"),
			ex(`startofmonth(datetime(2017-01-01 10:10:17), 0)`, "2017-01-01 00:00:00.0000000"),
			ex(`startofmonth(datetime(2017-01-01 10:10:17), 1)`, "2017-02-01 00:00:00.0000000"),
		),
		bound("startofyear", unitYear, false, "returns the start of the year, optionally offset by a number of years",
			ex(`startofyear(datetime(2017-01-01 10:10:17), -1)`, "2016-01-01 00:00:00.0000000"),
			ex(`startofyear(datetime(2017-01-01 10:10:17), 0)`, "2017-01-01 00:00:00.0000000"),
			ex(`startofyear(datetime(2017-01-01 10:10:17), 1)`, "2018-01-01 00:00:00.0000000"),
		),
		bound("endofday", unitDay, true, "returns the last tick of the day, optionally offset by a number of days",
			ex(`endofday(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31 23:59:59.9999999"),
			ex(`endofday(datetime(2017-01-01 10:10:17), 0)`, "2017-01-01 23:59:59.9999999"),
			ex(`endofday(datetime(2017-01-01 10:10:17), 1)`, "2017-01-02 23:59:59.9999999"),
		),
		bound("endofweek", unitWeek, true, "returns the last tick of the week (Saturday), optionally offset by a number of weeks",
			ex(`endofweek(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31 23:59:59.9999999"),
			ex(`endofweek(datetime(2017-01-01 10:10:17), 0)`, "2017-01-07 23:59:59.9999999"),
			ex(`endofweek(datetime(2017-01-01 10:10:17), 1)`, "2017-01-14 23:59:59.9999999"),
		),
		bound("endofmonth", unitMonth, true, "returns the last tick of the month, optionally offset by a number of months",
			ex(`endofmonth(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31 23:59:59.9999999"),
			ex(`endofmonth(datetime(2017-01-01 10:10:17), 0)`, "2017-01-31 23:59:59.9999999"),
			ex(`endofmonth(datetime(2017-01-01 10:10:17), 1)`, "2017-02-28 23:59:59.9999999"),
		),
		bound("endofyear", unitYear, true, "returns the last tick of the year, optionally offset by a number of years",
			ex(`endofyear(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31 23:59:59.9999999"),
			ex(`endofyear(datetime(2017-01-01 10:10:17), 0)`, "2017-12-31 23:59:59.9999999"),
			ex(`endofyear(datetime(2017-01-01 10:10:17), 1)`, "2018-12-31 23:59:59.9999999"),
		),
		{
			Name: "make_datetime", Kind: Scalar, MinArgs: 3, MaxArgs: 6,
			Result: returns("make_datetime", dt, argInteger, argInteger, argInteger, argInteger, argInteger, argNumber),
			Doc:    "builds a datetime from year, month, day and optional hour, minute and (fractional) second; null when invalid",
			Examples: []Example{
				ex(`make_datetime(2017,10,01)`, "2017-10-01 00:00:00.0000000"),
				ex(`make_datetime(2017,10,01,12,10)`, "2017-10-01 12:10:00.0000000"),
				ex(`make_datetime(2017,10,01,12,11,0.1234567)`, "2017-10-01 12:11:00.1234567"),
			},
			Scalar: makeDatetime,
		},
		{
			Name: "make_timespan", Kind: Scalar, MinArgs: 2, MaxArgs: 4,
			Result: returns("make_timespan", ts, argInteger, argInteger, argNumber, argNumber),
			Doc:    "builds a timespan from hours and minutes, hours, minutes and seconds, or days, hours, minutes and seconds",
			Examples: []Example{
				ex(`make_timespan(1,12,30,55.123)`, "1.12:30:55.1230000"),
				ex(`make_timespan(12,30)`, "12:30:00"),
				ex(`make_timespan(12,30,15)`, "12:30:15"),
			},
			Scalar: makeTimespan,
		},
		unixTo("unixtime_seconds_todatetime", 1e7, "converts seconds since the Unix epoch to a datetime",
			ex(`unixtime_seconds_todatetime(1546300800)`, "2019-01-01 00:00:00.0000000")),
		unixTo("unixtime_milliseconds_todatetime", 1e4, "converts milliseconds since the Unix epoch to a datetime",
			ex(`unixtime_milliseconds_todatetime(1546300800000)`, "2019-01-01 00:00:00.0000000")),
		unixTo("unixtime_microseconds_todatetime", 10, "converts microseconds since the Unix epoch to a datetime",
			ex(`unixtime_microseconds_todatetime(1546300800000000)`, "2019-01-01 00:00:00.0000000")),
		unixTo("unixtime_nanoseconds_todatetime", 0.01, "converts nanoseconds since the Unix epoch to a datetime",
			ex(`unixtime_nanoseconds_todatetime(1546300800000000000)`, "2019-01-01 00:00:00.0000000")),
		{
			Name: "format_datetime", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("format_datetime", types.String, argDateTime, argString),
			Doc:    "formats a datetime with a .NET-style format (yyyy, MM, dd, HH, hh, mm, ss, f..fffffff, F..FFFFFFF, tt)",
			Examples: []Example{
				ex(`format_datetime(datetime(2017-01-29 09:00:05),'yy-MM-dd [HH:mm:ss]')`, "17-01-29 [09:00:05]"),
				ex(`format_datetime(datetime(2017-01-29 09:00:05), 'yyyy-M-dd [H:mm:ss]')`, "2017-1-29 [9:00:05]"),
				ex(`format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [hh:mm:ss tt]')`, "17-01-29 [09:00:05 AM]"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				t, ok := asTicks(args[0], dt)
				if !ok {
					return types.NewString("")
				}
				return types.NewString(formatDatetime(t, text(args[1])))
			},
		},
		{
			Name: "format_timespan", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("format_timespan", types.String, argTimeSpan, argString),
			Doc:    "formats a timespan with a .NET-style format (d..dddddddd, HH, hh, mm, ss, f..fffffff, F..FFFFFFF)",
			Examples: []Example{
				ex(`format_timespan(time(29.09:00:05.12345), 'dd.hh:mm:ss:FF')`, "29.09:00:05:12"),
				ex(`format_timespan(time(29.09:00:05.12345), 'ddd.h:mm:ss [fffffff]')`, "029.9:00:05 [1234500]"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				t, ok := asTicks(args[0], ts)
				if !ok {
					return types.NewString("")
				}
				return types.NewString(formatTimespan(t, text(args[1])))
			},
		},
	}...)
}

// checkedDateTime returns ticks as a datetime, or null outside 0001-01-01 .. 9999-12-31.
func checkedDateTime(ticks int64) types.Value {
	const minTicks, maxTicks = -62135596800 * types.TicksPerSecond, 253402300800*types.TicksPerSecond - 1
	if ticks < minTicks || ticks > maxTicks {
		return types.NullOf(types.DateTime)
	}
	return types.NewDateTime(ticks)
}

// calUnit is a calendar period named in datetime_add, datetime_diff and datetime_part.
type calUnit uint8

const (
	unitYear calUnit = iota
	unitQuarter
	unitMonth
	unitWeek
	unitDay
	unitHour
	unitMinute
	unitSecond
	unitMillisecond
	unitMicrosecond
	unitNanosecond
	unitDayOfYear // datetime_part only
)

func parseCalUnit(s string) (calUnit, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "year", "years", "yy", "yyyy":
		return unitYear, true
	case "quarter", "quarters", "qq", "q":
		return unitQuarter, true
	case "month", "months", "mm", "m":
		return unitMonth, true
	case "week", "weeks", "wk", "ww", "week_of_year", "weekofyear":
		return unitWeek, true
	case "day", "days", "dd", "d":
		return unitDay, true
	case "dayofyear", "day_of_year", "dy", "y":
		return unitDayOfYear, true
	case "hour", "hours", "hh":
		return unitHour, true
	case "minute", "minutes", "mi", "n":
		return unitMinute, true
	case "second", "seconds", "ss", "s":
		return unitSecond, true
	case "millisecond", "milliseconds", "ms":
		return unitMillisecond, true
	case "microsecond", "microseconds", "mcs":
		return unitMicrosecond, true
	case "nanosecond", "nanoseconds", "ns":
		return unitNanosecond, true
	}
	return 0, false
}

// unitTicks is the fixed length of the units from week down.
func unitTicks(u calUnit) int64 {
	switch u {
	case unitWeek:
		return 7 * types.TicksPerDay
	case unitDay:
		return types.TicksPerDay
	case unitHour:
		return types.TicksPerHour
	case unitMinute:
		return types.TicksPerMinute
	case unitSecond:
		return types.TicksPerSecond
	case unitMillisecond:
		return types.TicksPerMillisecond
	case unitMicrosecond:
		return types.TicksPerMicrosecond
	}
	return 1
}

// unitStart truncates t to the start of its year, quarter, month, week (Sunday) or day.
func unitStart(t time.Time, u calUnit) time.Time {
	y, m, d := t.Date()
	switch u {
	case unitYear:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case unitQuarter:
		return time.Date(y, (m-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	case unitMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case unitWeek:
		return time.Date(y, m, d-int(t.Weekday()), 0, 0, 0, 0, time.UTC)
	case unitDay:
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	ticks := types.TicksFromTime(t)
	per := unitTicks(u)
	return types.TimeFromTicks(floorDiv(ticks, per) * per)
}

// addUnits adds n units to t. Adding months keeps the day, clamped to the month's length
// (Jan 31 + 1 month is Feb 28), as .NET's AddMonths does.
func addUnits(t time.Time, u calUnit, n int64) (time.Time, bool) {
	switch u {
	case unitYear, unitQuarter, unitMonth:
		months := n
		switch u {
		case unitYear:
			months = n * 12
		case unitQuarter:
			months = n * 3
		}
		if months > 120000 || months < -120000 {
			return time.Time{}, false
		}
		y, m, d := t.Date()
		total := int64(y)*12 + int64(m-1) + months
		ny, nm := int(floorDiv(total, 12)), time.Month(floorMod(total, 12)+1)
		if last := time.Date(ny, nm+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
			d = last
		}
		sinceMidnight := types.TicksFromTime(t) - types.TicksFromTime(time.Date(y, m, t.Day(), 0, 0, 0, 0, time.UTC))
		r := types.TimeFromTicks(types.TicksFromTime(time.Date(ny, nm, d, 0, 0, 0, 0, time.UTC)) + sinceMidnight)
		return r, ny >= 1 && ny <= 9999
	case unitNanosecond:
		return types.TimeFromTicks(types.TicksFromTime(t) + n/100), true
	}
	per := unitTicks(u)
	if n > math.MaxInt64/per || n < math.MinInt64/per {
		return time.Time{}, false
	}
	ticks := types.TicksFromTime(t) + n*per
	return types.TimeFromTicks(ticks), !checkedDateTime(ticks).IsNull()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func datetimeDiff(_ *Context, args []types.Value) types.Value {
	unit, ok := parseCalUnit(text(args[0]))
	a, ok2 := asTicks(args[1], types.DateTime)
	b, ok3 := asTicks(args[2], types.DateTime)
	if !ok || !ok2 || !ok3 || unit == unitDayOfYear {
		return types.NullOf(types.Long)
	}
	ta, tb := types.TimeFromTicks(a), types.TimeFromTicks(b)
	months := func(t time.Time) int64 { return int64(t.Year())*12 + int64(t.Month()) - 1 }
	switch unit {
	case unitYear:
		return types.NewLong(int64(ta.Year() - tb.Year()))
	case unitQuarter:
		return types.NewLong(months(ta)/3 - months(tb)/3)
	case unitMonth:
		return types.NewLong(months(ta) - months(tb))
	case unitWeek, unitDay:
		sa, sb := types.TicksFromTime(unitStart(ta, unit)), types.TicksFromTime(unitStart(tb, unit))
		return types.NewLong((sa - sb) / unitTicks(unit))
	case unitNanosecond:
		return types.NewLong((a - b) * 100)
	}
	per := unitTicks(unit)
	return types.NewLong(floorDiv(a, per) - floorDiv(b, per))
}

func datetimePart(_ *Context, args []types.Value) types.Value {
	unit, ok := parseCalUnit(text(args[0]))
	ticks, ok2 := asTicks(args[1], types.DateTime)
	if !ok || !ok2 {
		return types.NullOf(types.Int)
	}
	t := types.TimeFromTicks(ticks)
	frac := floorMod(ticks, types.TicksPerSecond)
	var v int64
	switch unit {
	case unitYear:
		v = int64(t.Year())
	case unitQuarter:
		v = int64(t.Month()-1)/3 + 1
	case unitMonth:
		v = int64(t.Month())
	case unitWeek:
		_, w := t.ISOWeek()
		v = int64(w)
	case unitDay:
		v = int64(t.Day())
	case unitDayOfYear:
		v = int64(t.YearDay())
	case unitHour:
		v = int64(t.Hour())
	case unitMinute:
		v = int64(t.Minute())
	case unitSecond:
		v = int64(t.Second())
	case unitMillisecond:
		v = frac / types.TicksPerMillisecond
	case unitMicrosecond:
		v = frac / types.TicksPerMicrosecond
	case unitNanosecond:
		v = frac * 100
	}
	return types.NewInt(int32(v))
}

func makeDatetime(_ *Context, args []types.Value) types.Value {
	var parts [5]int64
	for i := 0; i < len(args) && i < 5; i++ {
		n, ok := asLong(args[i])
		if !ok {
			return types.NullOf(types.DateTime)
		}
		parts[i] = n
	}
	sec := 0.0
	if len(args) == 6 {
		var ok bool
		if sec, ok = asReal(args[5]); !ok || sec < 0 || sec >= 60 {
			return types.NullOf(types.DateTime)
		}
	}
	y, mo, d, h, mi := parts[0], parts[1], parts[2], parts[3], parts[4]
	if y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 {
		return types.NullOf(types.DateTime)
	}
	if last := time.Date(int(y), time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > int64(last) {
		return types.NullOf(types.DateTime)
	}
	base := types.TicksFromTime(time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), 0, 0, time.UTC))
	return checkedDateTime(base + int64(math.Round(sec*float64(types.TicksPerSecond))))
}

func makeTimespan(_ *Context, args []types.Value) types.Value {
	var days, hours, minutes int64
	seconds := 0.0
	var ok bool
	ints := args
	switch len(args) {
	case 2:
		// hours, minutes
	case 3:
		ints = args[:2]
		seconds, ok = asReal(args[2])
	case 4:
		if days, ok = asLong(args[0]); !ok {
			return types.NullOf(types.TimeSpan)
		}
		ints = args[1:3]
		seconds, ok = asReal(args[3])
	}
	if len(args) > 2 && !ok {
		return types.NullOf(types.TimeSpan)
	}
	if hours, ok = asLong(ints[0]); !ok {
		return types.NullOf(types.TimeSpan)
	}
	if minutes, ok = asLong(ints[1]); !ok {
		return types.NullOf(types.TimeSpan)
	}
	total := float64(days*types.TicksPerDay+hours*types.TicksPerHour+minutes*types.TicksPerMinute) + seconds*float64(types.TicksPerSecond)
	if math.IsNaN(total) || math.Abs(total) > 9.2e18 {
		return types.NullOf(types.TimeSpan)
	}
	return types.NewTimeSpan(int64(math.Round(total)))
}
