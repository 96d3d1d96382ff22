package funcs

import (
	"testing"

	"github.com/socfeed/socfeed/kql/types"
)

func TestDatetimeKernels(t *testing.T) {
	dt, ts := types.DateTime, types.TimeSpan
	d := vDT("2017-01-01 10:10:17")
	p := vDT("2017-10-30 01:02:03.7654321")
	runScalarCases(t, []scCase{
		{"now", nil, "2024-01-02T03:04:05.0000000Z", dt},
		{"now", vArgs(vSpan(-types.TicksPerHour)), "2024-01-02T02:04:05.0000000Z", dt},
		{"ago", vArgs(vSpan(types.TicksPerDay)), "2024-01-01T03:04:05.0000000Z", dt},
		{"ago", vArgs(vNull(ts)), "null", dt},
		{"datetime_add", vArgs(vStr("year"), vLong(1), vDT("2017-01-01")), "2018-01-01T00:00:00.0000000Z", dt},
		{"datetime_add", vArgs(vStr("quarter"), vLong(12), vDT("2017-01-01")), "2020-01-01T00:00:00.0000000Z", dt},
		{"datetime_add", vArgs(vStr("month"), vLong(-15), vDT("2017-01-01")), "2015-10-01T00:00:00.0000000Z", dt},
		{"datetime_add", vArgs(vStr("month"), vLong(1), vDT("2017-01-31 10:00")), "2017-02-28T10:00:00.0000000Z", dt},
		{"datetime_add", vArgs(vStr("week"), vLong(100), vDT("2017-01-01")), "2018-12-02T00:00:00.0000000Z", dt},
		{"datetime_add", vArgs(vStr("Hour"), vLong(1), vDT("2017-01-01")), "2017-01-01T01:00:00.0000000Z", dt},
		{"datetime_add", vArgs(vStr("nanosecond"), vLong(700), vDT("2017-01-01")), "2017-01-01T00:00:00.0000007Z", dt},
		{"datetime_add", vArgs(vStr("fortnight"), vLong(1), vDT("2017-01-01")), "null", dt},
		{"datetime_add", vArgs(vStr("year"), vLong(10000), vDT("2017-01-01")), "null", dt},
		{"datetime_diff", vArgs(vStr("year"), vDT("2017-01-01"), vDT("2000-12-31")), "17", types.Long},
		{"datetime_diff", vArgs(vStr("quarter"), vDT("2017-07-01"), vDT("2017-03-30")), "2", types.Long},
		{"datetime_diff", vArgs(vStr("month"), vDT("2017-01-01"), vDT("2015-12-30")), "13", types.Long},
		{"datetime_diff", vArgs(vStr("week"), vDT("2017-10-29 00:00"), vDT("2017-09-30 23:59")), "5", types.Long},
		{"datetime_diff", vArgs(vStr("day"), vDT("2017-10-29 00:00"), vDT("2017-09-30 23:59")), "29", types.Long},
		{"datetime_diff", vArgs(vStr("hour"), vDT("2017-10-31 01:00"), vDT("2017-10-30 23:59")), "2", types.Long},
		{"datetime_diff", vArgs(vStr("minute"), vDT("2017-10-30 23:05:01"), vDT("2017-10-30 23:00:59")), "5", types.Long},
		{"datetime_diff", vArgs(vStr("second"), vDT("2017-10-30 23:00:10.100"), vDT("2017-10-30 23:00:00.900")), "10", types.Long},
		{"datetime_diff", vArgs(vStr("millisecond"), vDT("2017-10-30 23:00:00.200100"), vDT("2017-10-30 23:00:00.100900")), "100", types.Long},
		{"datetime_diff", vArgs(vStr("microsecond"), vDT("2017-10-30 23:00:00.1009001"), vDT("2017-10-30 23:00:00.1008009")), "100", types.Long},
		{"datetime_diff", vArgs(vStr("nanosecond"), vDT("2017-10-30 23:00:00.0000000"), vDT("2017-10-30 23:00:00.0000007")), "-700", types.Long},
		{"datetime_part", vArgs(vStr("year"), p), "2017", types.Int},
		{"datetime_part", vArgs(vStr("quarter"), p), "4", types.Int},
		{"datetime_part", vArgs(vStr("month"), p), "10", types.Int},
		{"datetime_part", vArgs(vStr("week_of_year"), p), "44", types.Int},
		{"datetime_part", vArgs(vStr("day"), p), "30", types.Int},
		{"datepart", vArgs(vStr("dayOfYear"), p), "303", types.Int},
		{"datetime_part", vArgs(vStr("hour"), p), "1", types.Int},
		{"datetime_part", vArgs(vStr("minute"), p), "2", types.Int},
		{"datetime_part", vArgs(vStr("second"), p), "3", types.Int},
		{"datetime_part", vArgs(vStr("millisecond"), p), "765", types.Int},
		{"datetime_part", vArgs(vStr("microsecond"), p), "765432", types.Int},
		{"datetime_part", vArgs(vStr("nanosecond"), p), "765432100", types.Int},
		{"dayofweek", vArgs(vDT("1947-11-30 10:00:05")), "00:00:00", ts},
		{"dayofweek", vArgs(vDT("1970-05-11")), "1.00:00:00", ts},
		{"dayofmonth", vArgs(vDT("2015-12-14")), "14", types.Int},
		{"dayofyear", vArgs(vDT("2015-12-14")), "348", types.Int},
		{"hourofday", vArgs(vDT("2015-12-14 18:54")), "18", types.Int},
		{"getmonth", vArgs(vDT("2015-12-14")), "12", types.Int},
		{"getyear", vArgs(vDT("2015-10-12")), "2015", types.Int},
		{"week_of_year", vArgs(vDT("2020-12-31")), "53", types.Int},
		{"weekofyear", vArgs(vDT("2000-01-01")), "52", types.Int},
		{"hourofday", vArgs(vNull(dt)), "null", types.Int},
		{"startofday", vArgs(d, vLong(-1)), "2016-12-31T00:00:00.0000000Z", dt},
		{"startofday", vArgs(d), "2017-01-01T00:00:00.0000000Z", dt},
		{"startofweek", vArgs(d, vLong(-1)), "2016-12-25T00:00:00.0000000Z", dt},
		{"startofweek", vArgs(vDT("2017-01-04")), "2017-01-01T00:00:00.0000000Z", dt},
		{"startofmonth", vArgs(d, vLong(1)), "2017-02-01T00:00:00.0000000Z", dt},
		{"startofyear", vArgs(d, vLong(-1)), "2016-01-01T00:00:00.0000000Z", dt},
		{"endofday", vArgs(d, vLong(-1)), "2016-12-31T23:59:59.9999999Z", dt},
		{"endofweek", vArgs(d), "2017-01-07T23:59:59.9999999Z", dt},
		{"endofweek", vArgs(d, vLong(-1)), "2016-12-31T23:59:59.9999999Z", dt},
		{"endofmonth", vArgs(d, vLong(1)), "2017-02-28T23:59:59.9999999Z", dt},
		{"endofyear", vArgs(d), "2017-12-31T23:59:59.9999999Z", dt},
		{"startofday", vArgs(vDT("1969-12-31 23:00")), "1969-12-31T00:00:00.0000000Z", dt},
		{"make_datetime", vArgs(vLong(2017), vLong(10), vLong(1)), "2017-10-01T00:00:00.0000000Z", dt},
		{"make_datetime", vArgs(vLong(2017), vLong(10), vLong(1), vLong(12), vLong(10)), "2017-10-01T12:10:00.0000000Z", dt},
		{"make_datetime", vArgs(vLong(2017), vLong(10), vLong(1), vLong(12), vLong(11), vReal(0.1234567)), "2017-10-01T12:11:00.1234567Z", dt},
		{"make_datetime", vArgs(vLong(2017), vLong(2), vLong(30)), "null", dt},
		{"make_timespan", vArgs(vLong(1), vLong(12), vLong(30), vReal(55.123)), "1.12:30:55.1230000", ts},
		{"make_timespan", vArgs(vLong(12), vLong(30)), "12:30:00", ts},
		{"make_timespan", vArgs(vLong(12), vLong(30), vLong(15)), "12:30:15", ts},
		{"unixtime_seconds_todatetime", vArgs(vLong(1546300800)), "2019-01-01T00:00:00.0000000Z", dt},
		{"unixtime_seconds_todatetime", vArgs(vReal(1546300800.5)), "2019-01-01T00:00:00.5000000Z", dt},
		{"unixtime_milliseconds_todatetime", vArgs(vLong(1546300800000)), "2019-01-01T00:00:00.0000000Z", dt},
		{"unixtime_microseconds_todatetime", vArgs(vLong(1546300800000000)), "2019-01-01T00:00:00.0000000Z", dt},
		{"unixtime_nanoseconds_todatetime", vArgs(vLong(1546300800000000000)), "2019-01-01T00:00:00.0000000Z", dt},
		{"unixtime_seconds_todatetime", vArgs(vLong(1 << 62)), "null", dt},
		{"format_datetime", vArgs(vDT("2017-01-29 09:00:05"), vStr("yy-MM-dd [HH:mm:ss]")), "17-01-29 [09:00:05]", types.String},
		{"format_datetime", vArgs(vDT("2017-01-29 09:00:05"), vStr("yyyy-M-dd [H:mm:ss]")), "2017-1-29 [9:00:05]", types.String},
		{"format_datetime", vArgs(vDT("2017-01-29 09:00:05"), vStr("yy-MM-dd [hh:mm:ss tt]")), "17-01-29 [09:00:05 AM]", types.String},
		{"format_datetime", vArgs(vDT("2009-06-15T13:45:30.6175425"), vStr("fff FFFFFFF tt h")), "617 6175425 PM 1", types.String},
		{"format_datetime", vArgs(vDT("2009-06-15T13:45:30.05"), vStr("s.F|ff")), "30.|05", types.String},
		{"format_timespan", vArgs(vSpan(29*types.TicksPerDay+9*types.TicksPerHour+5*types.TicksPerSecond+1234500), vStr("dd.hh:mm:ss:FF")), "29.09:00:05:12", types.String},
		{"format_timespan", vArgs(vSpan(29*types.TicksPerDay+9*types.TicksPerHour+5*types.TicksPerSecond+1234500), vStr("ddd.h:mm:ss [fffffff]")), "029.9:00:05 [1234500]", types.String},
	})
}

func TestTimezoneKernels(t *testing.T) {
	dt := types.DateTime
	local := vDT("2020-02-02 20:02:20")
	runScalarCases(t, []scCase{
		{"datetime_local_to_utc", vArgs(local, vStr("US/Pacific")), "2020-02-03T04:02:20.0000000Z", dt},
		{"datetime_local_to_utc", vArgs(local, vStr("America/Chicago")), "2020-02-03T02:02:20.0000000Z", dt},
		{"datetime_local_to_utc", vArgs(local, vStr("Europe/Paris")), "2020-02-02T19:02:20.0000000Z", dt},
		{"datetime_utc_to_local", vArgs(local, vStr("Europe/Paris")), "2020-02-02T21:02:20.0000000Z", dt},
		{"datetime_utc_to_local", vArgs(vDT("2020-07-01 12:00"), vStr("America/New_York")), "2020-07-01T08:00:00.0000000Z", dt},
		{"datetime_utc_to_local", vArgs(local, vStr("Mars/Olympus")), "null", dt},
		{"datetime_utc_to_local", vArgs(local, vStr("")), "null", dt},
	})
}
