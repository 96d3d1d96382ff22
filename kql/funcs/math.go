package funcs

import (
	"math"
	"math/rand/v2"

	"github.com/socfeed/socfeed/kql/types"
)

// realFn declares a function of one number returning a real; NaN results from domain
// errors (sqrt(-1), log(0) is -inf and kept) become null, as Kusto documents.
func realFn(name, doc string, f func(float64) float64, nanIsNull bool, examples ...Example) *Func {
	return &Func{
		Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
		Result: returns(name, types.Real, argNumber), Doc: doc, Examples: examples,
		Scalar: func(_ *Context, args []types.Value) types.Value {
			x, ok := asReal(args[0])
			if !ok {
				return types.NullOf(types.Real)
			}
			r := f(x)
			if nanIsNull && math.IsNaN(r) && !math.IsNaN(x) {
				return types.NullOf(types.Real)
			}
			return types.NewReal(r)
		},
	}
}

// numericResult is the type a number-preserving function (abs, round, sign) returns.
func numericResult(name string, params ...argKind) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := checkArgs(name, args, params); err != nil {
			return types.Unknown, err
		}
		if len(args) == 0 || args[0] == types.Dynamic {
			return types.Real, nil
		}
		return args[0], nil
	}
}

// mathFuncs declares the math functions, bin() and its relatives.
func mathFuncs() []*Func {
	return []*Func{
		{
			Name: "abs", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: numericResult("abs", argBinnable), Doc: "returns the absolute value of a number or timespan",
			Examples: []Example{ex(`abs(-5)`, "5")},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				v := args[0]
				if v.IsNull() {
					return v
				}
				switch v.Type {
				case types.Int, types.Long, types.TimeSpan:
					if v.I < 0 {
						return types.Negate(v)
					}
					return v
				case types.Decimal:
					if len(v.S) > 0 && v.S[0] == '-' {
						return types.NewDecimal(v.S[1:])
					}
					return v
				}
				x, ok := asReal(v)
				if !ok {
					return types.NullOf(types.Real)
				}
				return types.NewReal(math.Abs(x))
			},
		},
		{
			Name: "ceiling", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: numericResult("ceiling", argNumber), Doc: "returns the smallest integer greater than or equal to the number",
			Examples: []Example{ex(`ceiling(-1.1)`, "-1"), ex(`ceiling(0)`, "0"), ex(`ceiling(0.9)`, "1")},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return roundLike(args[0], math.Ceil)
			},
		},
		{
			Name: "round", Kind: Scalar, MinArgs: 1, MaxArgs: 2,
			Result: numericResult("round", argNumber, argInteger),
			Doc:    "rounds the number to the given number of decimal places (default 0; negative rounds to tens, hundreds, ...), halves away from zero",
			Examples: []Example{
				ex(`round(2.98765, 3)`, "2.988"),
				ex(`round(2.15, 1)`, "2.2"),
				ex(`round(2.15)`, "2"),
				ex(`round(-50.55, -2)`, "-100"),
				ex(`round(21.5, -1)`, "20"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				digits := int64(0)
				if len(args) > 1 {
					var ok bool
					if digits, ok = asLong(args[1]); !ok {
						return types.NullOf(args[0].Type)
					}
				}
				digits = max(min(digits, 308), -308)
				return roundLike(args[0], func(x float64) float64 { return roundHalfAway(x, int(digits)) })
			},
		},
		realFn("sqrt", "returns the square root; null for negative numbers", math.Sqrt, true,
			ex(`sqrt(4)`, "2")),
		{
			Name: "pow", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("pow", types.Real, argNumber), Doc: "raises the base to the exponent",
			Examples: []Example{ex(`pow(2, 3)`, "8")},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				x, ok1 := asReal(args[0])
				y, ok2 := asReal(args[1])
				if !ok1 || !ok2 {
					return types.NullOf(types.Real)
				}
				return types.NewReal(math.Pow(x, y))
			},
		},
		realFn("exp", "returns e raised to the number", math.Exp, false, ex(`exp(2)`, "7.389056")),
		realFn("exp2", "returns 2 raised to the number", math.Exp2, false, ex(`exp2(3)`, "8")),
		realFn("exp10", "returns 10 raised to the number", func(x float64) float64 { return math.Pow(10, x) }, false, ex(`exp10(2)`, "100")),
		realFn("log", "returns the natural logarithm; null for negative numbers", math.Log, true,
			ex(`log(5)`, "1.6094379124341003")),
		realFn("log2", "returns the base-2 logarithm; null for negative numbers", math.Log2, true,
			ex(`log2(5)`, "2.3219280948873622")),
		realFn("log10", "returns the base-10 logarithm; null for negative numbers", math.Log10, true,
			ex(`log10(5)`, "0.69897000433601886")),
		realFn("sin", "returns the sine of an angle in radians", math.Sin, false, ex(`sin(1)`, "0.841470984807897")),
		realFn("cos", "returns the cosine of an angle in radians", math.Cos, false, ex(`cos(1)`, "0.54030230586813977")),
		realFn("tan", "returns the tangent of an angle in radians", math.Tan, false, ex(`tan(0)`, "0")),
		realFn("cot", "returns the cotangent of an angle in radians", func(x float64) float64 { return 1 / math.Tan(x) }, false,
			ex(`cot(1)`, "0.64209261593433065")),
		realFn("asin", "returns the angle in radians whose sine is the number; null outside [-1, 1]", math.Asin, true, ex(`asin(0)`, "0")),
		realFn("acos", "returns the angle in radians whose cosine is the number; null outside [-1, 1]", math.Acos, true, ex(`acos(1)`, "0")),
		realFn("atan", "returns the angle in radians whose tangent is the number", math.Atan, false, ex(`atan(0)`, "0")),
		{
			Name: "atan2", Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: returns("atan2", types.Real, argNumber), Doc: "returns the angle in radians between the positive x-axis and the ray to (x, y), given as atan2(y, x)",
			Examples: []Example{
				ex(`atan2(1,1)`, "0.785398163397448"),
				ex(`atan2(0,-1)`, "3.14159265358979"),
				ex(`atan2(-1,0)`, "-1.5707963267949"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				y, ok1 := asReal(args[0])
				x, ok2 := asReal(args[1])
				if !ok1 || !ok2 {
					return types.NullOf(types.Real)
				}
				return types.NewReal(math.Atan2(y, x))
			},
		},
		realFn("degrees", "converts radians to degrees", func(x float64) float64 { return x * 180 / math.Pi }, false,
			ex(`degrees(pi()/4)`, "45"), ex(`degrees(pi()*1.5)`, "270"), ex(`degrees(0)`, "0")),
		realFn("radians", "converts degrees to radians", func(x float64) float64 { return x * math.Pi / 180 }, false,
			ex(`radians(90)`, "1.5707963267949"), ex(`radians(180)`, "3.14159265358979"), ex(`radians(360)`, "6.28318530717959")),
		realFn("erf", "returns the error function of the number", math.Erf, false,
			ex(`erf(1)`, "0.842700792949715"), ex(`erf(-3)`, "-0.999977909503001")),
		realFn("erfc", "returns the complementary error function of the number", math.Erfc, false,
			ex(`erfc(0)`, "1")),
		realFn("gamma", "returns the gamma function of the number", math.Gamma, false, ex(`gamma(5)`, "24")),
		realFn("loggamma", "returns the natural logarithm of the absolute value of the gamma function",
			func(x float64) float64 { r, _ := math.Lgamma(x); return r }, false, ex(`loggamma(1)`, "0")),
		{
			Name: "sign", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: numericResult("sign", argNumber), Doc: "returns -1, 0 or 1 by the sign of the number",
			Examples: []Example{ex(`sign(-42)`, "-1"), ex(`sign(0)`, "0"), ex(`sign(11.2)`, "1")},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				return roundLike(args[0], func(x float64) float64 {
					switch {
					case x > 0:
						return 1
					case x < 0:
						return -1
					}
					return x
				})
			},
		},
		{
			Name: "pi", Kind: Scalar, MinArgs: 0, MaxArgs: 0,
			Result: returns("pi", types.Real), Doc: "returns the constant pi",
			Examples: []Example{ex(`pi()`, "3.1415926535897931")},
			Scalar:   func(*Context, []types.Value) types.Value { return types.NewReal(math.Pi) },
		},
		{
			Name: "rand", Kind: Scalar, MinArgs: 0, MaxArgs: 1,
			Result: func(args []types.Type) (types.Type, error) {
				if err := checkArgs("rand", args, []argKind{argInteger}); err != nil {
					return types.Unknown, err
				}
				if len(args) == 1 {
					return types.Long, nil
				}
				return types.Real, nil
			},
			Doc: "returns a random real in [0, 1), or with an argument N a random long in [0, N)",
			Scalar: func(_ *Context, args []types.Value) types.Value {
				if len(args) == 0 {
					return types.NewReal(rand.Float64())
				}
				n, ok := asLong(args[0])
				if !ok || n <= 0 {
					return types.NullOf(types.Long)
				}
				return types.NewLong(rand.Int64N(n))
			},
		},
		boolOfReal("isnan", "reports whether the real is NaN", math.IsNaN),
		boolOfReal("isinf", "reports whether the real is positive or negative infinity", func(x float64) bool { return math.IsInf(x, 0) }),
		boolOfReal("isfinite", "reports whether the real is neither infinite nor NaN", func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }),
		extremeOf("max_of", 1, ex(`max_of(10, 1, -3, 17)`, "17")),
		extremeOf("min_of", -1, ex(`min_of(10, 1, -3, 17)`, "-3")),
		{
			Name: "bin", Aliases: []string{"floor"}, Kind: Scalar, MinArgs: 2, MaxArgs: 2,
			Result: binResult("bin"), Naming: NameFirstArg,
			Doc: "rounds the value down to a multiple of the bin size (numbers, timespans, and datetimes counted from 0001-01-01)",
			Examples: []Example{
				ex(`bin(4.5, 1)`, "4"),
				ex(`bin(time(16d), 7d)`, "14.00:00:00"),
				ex(`bin(datetime(1970-05-11 13:45:07), 1d)`, "1970-05-11T00:00:00Z"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return binAt(args[0], args[1], types.Value{}) },
		},
		{
			Name: "bin_at", Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: binResult("bin_at"), Naming: NameFirstArg,
			Doc: "rounds the value down to a multiple of the bin size, with bins aligned to a fixed point",
			Examples: []Example{
				ex(`bin_at(6.5, 2.5, 7)`, "4.5"),
				ex(`bin_at(time(1h), 1d, 12h)`, "-12:00:00"),
				ex(`bin_at(datetime(2017-05-15 10:20:00.0), 1d, datetime(1970-01-01 12:00:00.0))`, "2017-05-14T12:00:00Z"),
				ex(`bin_at(datetime(2017-05-17 10:20:00.0), 7d, datetime(2017-06-04 00:00:00.0))`, "2017-05-14T00:00:00Z"),
			},
			Scalar: func(_ *Context, args []types.Value) types.Value { return binAt(args[0], args[1], args[2]) },
		},
		binaryFn("binary_and", "returns the bitwise and", func(a, b int64) int64 { return a & b }, ex(`binary_and(6, 3)`, "2")),
		binaryFn("binary_or", "returns the bitwise or", func(a, b int64) int64 { return a | b }, ex(`binary_or(5, 3)`, "7")),
		binaryFn("binary_xor", "returns the bitwise exclusive or", func(a, b int64) int64 { return a ^ b }, ex(`binary_xor(1, 1)`, "0"), ex(`binary_xor(1, 2)`, "3")),
		binaryFn("binary_shift_left", "shifts the bits left", func(a, b int64) int64 {
			if b < 0 || b > 63 {
				return 0
			}
			return a << uint(b)
		}, ex(`binary_shift_left(1, 2)`, "4")),
		binaryFn("binary_shift_right", "shifts the bits right (arithmetic)", func(a, b int64) int64 {
			if b < 0 || b > 63 {
				return a >> 63
			}
			return a >> uint(b)
		}, ex(`binary_shift_right(1, 2)`, "0")),
		{
			Name: "binary_not", Kind: Scalar, MinArgs: 1, MaxArgs: 1,
			Result: returns("binary_not", types.Long, argInteger), Doc: "returns the bitwise negation",
			Examples: []Example{ex(`binary_not(100)`, "-101")},
			Scalar: func(_ *Context, args []types.Value) types.Value {
				a, ok := asLong(args[0])
				if !ok {
					return types.NullOf(types.Long)
				}
				return types.NewLong(^a)
			},
		},
	}
}

// roundLike applies f to a number and keeps integer and decimal types: integers go through
// f as reals and back; reals stay reals.
func roundLike(v types.Value, f func(float64) float64) types.Value {
	if v.IsNull() {
		if v.Type == types.Unknown || v.Type == types.Dynamic {
			return types.NullOf(types.Real)
		}
		return v
	}
	switch v.Type {
	case types.Int:
		return types.NewInt(int32(f(float64(v.I))))
	case types.Long:
		r := f(float64(v.I))
		if r == float64(v.I) {
			return v // exact for large values
		}
		return types.NewLong(int64(r))
	case types.Decimal:
		x, _ := asReal(v)
		return types.ToDecimal(types.NewReal(f(x)))
	}
	x, ok := asReal(v)
	if !ok {
		return types.NullOf(types.Real)
	}
	return types.NewReal(f(x))
}

func boolOfReal(name, doc string, f func(float64) bool) *Func {
	return &Func{
		Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 1,
		Result: returns(name, types.Bool, argNumber), Doc: doc,
		Examples: []Example{ex(name+`(1.0/0.0)`, map[bool]string{true: "true", false: "false"}[f(math.Inf(1))])},
		Scalar: func(_ *Context, args []types.Value) types.Value {
			x, ok := asReal(args[0])
			if !ok {
				return types.NullOf(types.Bool)
			}
			return types.NewBool(f(x))
		},
	}
}

// extremeOf declares max_of (sign 1) and min_of (sign -1): nulls are ignored, and the
// result is null only when every argument is.
func extremeOf(name string, sign int, examples ...Example) *Func {
	return &Func{
		Name: name, Kind: Scalar, MinArgs: 1, MaxArgs: 64,
		Result: func(args []types.Type) (types.Type, error) {
			var common types.Type
			for i, t := range args {
				if t == types.Unknown {
					continue
				}
				switch {
				case common == types.Unknown:
					common = t
				case t == common:
				case t.IsNumeric() && common.IsNumeric():
					common = widerNumber(common, t)
				default:
					return types.Unknown, argTypeError(name, i, common.String(), t)
				}
			}
			return common, nil
		},
		Doc:      map[int]string{1: "returns the largest of the arguments, ignoring nulls", -1: "returns the smallest of the arguments, ignoring nulls"}[sign],
		Examples: examples,
		Scalar: func(_ *Context, args []types.Value) types.Value {
			var best types.Value
			var wide types.Type
			found := false
			for _, a := range args {
				if a.Type != types.Unknown {
					if wide == types.Unknown {
						wide = a.Type
					} else if a.Type != wide && a.Type.IsNumeric() && wide.IsNumeric() {
						wide = widerNumber(wide, a.Type)
					}
				}
				if a.IsNull() {
					continue
				}
				if !found || types.Compare(a, best)*sign > 0 {
					best, found = a, true
				}
			}
			if !found {
				return types.NullOf(wide)
			}
			if best.Type != wide && wide.IsNumeric() {
				return types.Convert(best, wide)
			}
			return best
		},
	}
}

func widerNumber(a, b types.Type) types.Type {
	switch {
	case a == types.Real || b == types.Real:
		return types.Real
	case a == types.Decimal || b == types.Decimal:
		return types.Decimal
	case a == types.Long || b == types.Long:
		return types.Long
	}
	return types.Int
}

func binaryFn(name, doc string, f func(a, b int64) int64, examples ...Example) *Func {
	return &Func{
		Name: name, Kind: Scalar, MinArgs: 2, MaxArgs: 2,
		Result: returns(name, types.Long, argInteger), Doc: doc, Examples: examples,
		Scalar: func(_ *Context, args []types.Value) types.Value {
			a, ok1 := asLong(args[0])
			b, ok2 := asLong(args[1])
			if !ok1 || !ok2 {
				return types.NullOf(types.Long)
			}
			return types.NewLong(f(a, b))
		},
	}
}

// binResult types bin and bin_at: numbers bin by numbers (real when either is real),
// timespans by timespans, datetimes by timespans (and bin_at's fixed point has the
// value's type).
func binResult(name string) func([]types.Type) (types.Type, error) {
	return func(args []types.Type) (types.Type, error) {
		if err := checkArgs(name, args, []argKind{argBinnable}); err != nil {
			return types.Unknown, err
		}
		v := args[0]
		size := types.Unknown
		if len(args) > 1 {
			size = args[1]
		}
		switch {
		case v == types.Unknown:
			return types.Unknown, nil
		case v == types.Dynamic:
			return types.Real, nil
		case v == types.DateTime || v == types.TimeSpan:
			if size != types.Unknown && size != types.TimeSpan && size != types.Dynamic && !size.IsNumeric() {
				return types.Unknown, argTypeError(name, 1, "timespan", size)
			}
			if len(args) > 2 && args[2] != types.Unknown && args[2] != v && args[2] != types.Dynamic {
				return types.Unknown, argTypeError(name, 2, v.String(), args[2])
			}
			return v, nil
		}
		if size == types.TimeSpan || size == types.DateTime {
			return types.Unknown, argTypeError(name, 1, "number", size)
		}
		if size == types.Real || v == types.Real {
			return types.Real, nil
		}
		return v, nil
	}
}

// dotnetEpoch is the Unix epoch in .NET ticks: bin() aligns datetime bins to 0001-01-01.
const dotnetEpoch int64 = 621355968000000000

// binAt implements bin (fixed is an untyped null) and bin_at.
func binAt(v, size, fixed types.Value) types.Value {
	if v.Type == types.Dynamic {
		v = types.ToReal(v)
	}
	if v.IsNull() || size.IsNull() {
		return types.NullOf(v.Type)
	}
	switch v.Type {
	case types.DateTime, types.TimeSpan:
		step, ok := asTicks(size, types.TimeSpan)
		if !ok {
			if n, ok2 := asLong(size); ok2 {
				step, ok = n, true
			}
		}
		if !ok || step <= 0 {
			return types.NullOf(v.Type)
		}
		origin := int64(0)
		if v.Type == types.DateTime {
			origin = -dotnetEpoch
		}
		if fixed.Type != types.Unknown {
			f, ok := asTicks(fixed, v.Type)
			if !ok {
				return types.NullOf(v.Type)
			}
			origin = f
		}
		r := floorDiv(v.I-origin, step)*step + origin
		if v.Type == types.DateTime {
			return checkedDateTime(r)
		}
		return types.NewTimeSpan(r)
	case types.Int, types.Long:
		if size.Type.IsInteger() && (fixed.Type == types.Unknown || fixed.Type.IsInteger()) {
			if size.I <= 0 {
				return types.NullOf(v.Type)
			}
			origin := int64(0)
			if fixed.Type != types.Unknown {
				if fixed.IsNull() {
					return types.NullOf(v.Type)
				}
				origin = fixed.I
			}
			r := floorDiv(v.I-origin, size.I)*size.I + origin
			if v.Type == types.Int {
				return types.NewInt(int32(r))
			}
			return types.NewLong(r)
		}
	}
	x, ok1 := asReal(v)
	s, ok2 := asReal(size)
	if !ok1 || !ok2 || !(s > 0) {
		return types.NullOf(types.Real)
	}
	origin := 0.0
	if fixed.Type != types.Unknown {
		var ok bool
		if origin, ok = asReal(fixed); !ok {
			return types.NullOf(types.Real)
		}
	}
	return types.NewReal(math.Floor((x-origin)/s)*s + origin)
}
