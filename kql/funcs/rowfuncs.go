package funcs

import (
	"fmt"
	"math"

	"github.com/socfeed/socfeed/kql/types"
)

// This file declares functions whose value depends on more than their arguments: the row
// being evaluated (ingestion_time, column_ifexists, pack_all) or the query's environment
// (geo_info_from_ip_address), and range(), which builds arrays.
//
// Contracts with the checker and the planner:
//
//   - ingestion_time() has no arguments, and its kernel cannot see the row, so the kernel
//     returns null. The planner rewrites the call into a reference to the table's hidden
//     `_TimeReceived` column when the table has one (that is where socfeed keeps the time
//     a row was ingested); without such a column the null is the answer.
//   - column_ifexists("Name", default) is a special form of the checker: when the row has a
//     column Name, the call is that column (check.Info records which calls resolved so);
//     otherwise it is default. The kernel returns its second argument, which is right only
//     when the column does not exist: the planner replaces the call by the column when it
//     does.
//   - pack_all([ignore_null_empty]) packs every column of the row. The planner calls the
//     kernel with the flag (false when omitted) followed by each column's name and value,
//     in column order; the user-facing signature is the zero-or-one-argument one.

// rowFuncs declares the row- and environment-dependent functions and range().
func rowFuncs() []*Func {
	return []*Func{
		{
			Name: "ingestion_time", Kind: Scalar, MinArgs: 0, MaxArgs: 0,
			Result: returns("ingestion_time", types.DateTime),
			Doc:    "the time the row was ingested: the table's hidden _TimeReceived column where it has one, else null",
			Scalar: func(*Context, []types.Value) types.Value { return types.NullOf(types.DateTime) },
		},
		{
			Name: "column_ifexists", Aliases: []string{"columnifexists"}, Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: func(args []types.Type) (types.Type, error) {
				if err := checkArgs("column_ifexists", args, []argKind{argString, argAny}); err != nil {
					return types.Unknown, err
				}
				if len(args) < 2 {
					return types.Unknown, nil
				}
				return args[1], nil
			},
			Doc: "the named column when the row has it, else the default value (the checker resolves which)",
			Examples: []Example{
				ex(`column_ifexists("NoSuchColumn", "default")`, "default"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return args[1] },
		},
		{
			Name: "pack_all", Kind: Scalar, MinArgs: 0, MaxArgs: 1,
			Result: returns("pack_all", types.Dynamic, argBool),
			Doc:    "a property bag of every column of the row; with true, leaving out null and empty values",
			Scalar: packAll,
		},
		{
			Name: "geo_info_from_ip_address", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("geo_info_from_ip_address", types.Dynamic, argString),
			Doc: "a property bag {country, state, city, latitude, longitude} locating the IP address in the configured " +
				"GeoIP database (MaxMind .mmdb); null when no database is configured or it has no entry",
			Scalar: geoInfo,
		},
		{
			Name: "range", Kind: Scalar, MinArgs: 2, MaxArgs: 3,
			Result: rangeResult,
			Doc:    "an array of start, start+step, ... up to stop (at most 1,048,576 elements); step defaults to 1, or 1h for datetimes and timespans",
			Examples: []Example{
				ex(`range(1, 8, 3)`, "[1,4,7]"),
				ex(`range(1, 3)`, "[1,2,3]"),
				ex(`range(1h, 5h)`, `["01:00:00","02:00:00","03:00:00","04:00:00","05:00:00"]`),
			},
			Scalar: rangeKernel,
		},
	}
}

// packAll implements pack_all: args are the ignore flag, then name/value pairs (see the
// file comment). Null values, and empty strings, are left out when the flag is true.
func packAll(ctx *Context, args []types.Value) types.Value {
	if len(args) == 0 {
		return types.NewDynamic("{}")
	}
	ignore := args[0].Bool()
	packed := make([]types.Value, 0, len(args)-1)
	for i := 1; i+1 < len(args); i += 2 {
		if ignore && isEmpty(args[i+1]) {
			continue
		}
		packed = append(packed, args[i], args[i+1])
	}
	return dynBagPack(ctx, packed)
}

// geoInfo implements geo_info_from_ip_address through ctx.GeoIP. Fields the database does
// not know are left out of the bag.
func geoInfo(ctx *Context, args []types.Value) types.Value {
	if ctx == nil || ctx.GeoIP == nil || args[0].IsNull() {
		return types.NullOf(types.Dynamic)
	}
	g, ok := ctx.GeoIP.GeoLookup(text(args[0]))
	if !ok {
		return types.NullOf(types.Dynamic)
	}
	b := []byte{'{'}
	field := func(k string) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = types.AppendJSONString(b, k)
		b = append(b, ':')
	}
	for _, kv := range [][2]string{{"country", g.Country}, {"state", g.State}, {"city", g.City}} {
		if kv[1] != "" {
			field(kv[0])
			b = types.AppendJSONString(b, kv[1])
		}
	}
	if g.HasLocation {
		field("latitude")
		b = types.AppendJSONReal(b, g.Latitude)
		field("longitude")
		b = types.AppendJSONReal(b, g.Longitude)
	}
	return types.NewDynamic(string(append(b, '}')))
}

// rangeMax is the most elements range() returns; longer ranges are truncated.
const rangeMax = 1 << 20

func rangeResult(args []types.Type) (types.Type, error) {
	if err := checkArgs("range", args, []argKind{argBinnable, argBinnable, argBinnable}); err != nil {
		return types.Unknown, err
	}
	if len(args) >= 2 && args[0] != types.Unknown && args[1] != types.Unknown && args[0] != types.Dynamic && args[1] != types.Dynamic {
		a, b := args[0], args[1]
		if a.IsNumeric() != b.IsNumeric() || !a.IsNumeric() && a != b {
			return types.Unknown, fmt.Errorf("range(): start and stop must have the same kind of type, found %s and %s", a, b)
		}
	}
	return types.Dynamic, nil
}

// rangeKernel implements range(start, stop[, step]) over numbers, datetimes and timespans.
// A null argument, or a zero step, gives null; a step pointing away from stop gives [].
func rangeKernel(_ *Context, args []types.Value) types.Value {
	if anyNull(args) {
		return types.NullOf(types.Dynamic)
	}
	start, stop := args[0], args[1]
	if start.Type == types.Dynamic {
		start = types.DynamicScalar(types.JSON(start.S))
	}
	if stop.Type == types.Dynamic {
		stop = types.DynamicScalar(types.JSON(stop.S))
	}
	var step types.Value
	if len(args) > 2 {
		step = args[2]
		if step.Type == types.Dynamic {
			step = types.DynamicScalar(types.JSON(step.S))
		}
	}
	buf := []byte{'['}
	n := 0
	emit := func(v types.Value) {
		if n > 0 {
			buf = append(buf, ',')
		}
		buf = types.AppendDynamic(buf, v)
		n++
	}
	switch {
	case (start.Type == types.DateTime || start.Type == types.TimeSpan) && stop.Type == start.Type:
		st := int64(36_000_000_000) // 1h in ticks
		if len(args) > 2 {
			if step.Type != types.TimeSpan {
				return types.NullOf(types.Dynamic)
			}
			st = step.I
		}
		if st == 0 {
			return types.NullOf(types.Dynamic)
		}
		for v := start.I; n < rangeMax && (st > 0 && v <= stop.I || st < 0 && v >= stop.I); v += st {
			emit(types.Value{Type: start.Type, I: v})
			if st > 0 && v > math.MaxInt64-st || st < 0 && v < math.MinInt64-st {
				break
			}
		}
	case start.Type.IsInteger() && stop.Type.IsInteger() && (len(args) < 3 || step.Type.IsInteger()):
		st := int64(1)
		if len(args) > 2 {
			st = step.I
		}
		if st == 0 {
			return types.NullOf(types.Dynamic)
		}
		for v := start.I; n < rangeMax && (st > 0 && v <= stop.I || st < 0 && v >= stop.I); v += st {
			emit(types.NewLong(v))
			if st > 0 && v > math.MaxInt64-st || st < 0 && v < math.MinInt64-st {
				break
			}
		}
	default:
		a, ok1 := asReal(start)
		b, ok2 := asReal(stop)
		st, ok3 := 1.0, true
		if len(args) > 2 {
			st, ok3 = asReal(step)
		}
		if !ok1 || !ok2 || !ok3 || st == 0 || math.IsNaN(st) {
			return types.NullOf(types.Dynamic)
		}
		for i := 0; i < rangeMax; i++ {
			v := a + float64(i)*st
			if st > 0 && v > b || st < 0 && v < b {
				break
			}
			emit(types.NewReal(v))
		}
	}
	return types.NewDynamic(string(append(buf, ']')))
}
