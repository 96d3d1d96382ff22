package funcs

import (
	"math"
	"strings"

	"github.com/socfeed/socfeed/kql/types"
)

// The convert_* functions (convert_angle, convert_energy, convert_force, convert_length,
// convert_mass, convert_speed, convert_temperature, convert_volume) convert a value between
// the units their reference pages list, with the factors of the UnitsNet library Kusto
// uses. Unit names match case-insensitively; an unknown unit gives null.

// confUnits maps lower-case unit names to their size in the quantity's base unit.
type confUnits map[string]float64

func confPrefixed(base string, size float64, into confUnits, prefixes ...string) {
	p := map[string]float64{"nano": 1e-9, "micro": 1e-6, "milli": 1e-3, "centi": 1e-2, "deci": 1e-1,
		"deca": 1e1, "hecto": 1e2, "kilo": 1e3, "mega": 1e6, "giga": 1e9, "tera": 1e12}
	into[strings.ToLower(base)] = size
	for _, pre := range prefixes {
		into[pre+strings.ToLower(base)] = size * p[pre]
	}
}

var (
	confAngleUnits = func() confUnits {
		u := confUnits{"degree": 1, "arcminute": 1.0 / 60, "arcsecond": 1.0 / 3600, "gradian": 0.9,
			"microdegree": 1e-6, "millidegree": 1e-3, "nanodegree": 1e-9, "natomil": 360.0 / 6400, "revolution": 360}
		confPrefixed("radian", 180/math.Pi, u, "nano", "micro", "milli", "centi", "deci")
		return u
	}()
	confEnergyUnits = func() confUnits {
		u := confUnits{"calorie": 4.184, "kilocalorie": 4184, "megacalorie": 4.184e6,
			"decathermec": 1.05505585262e9, "decathermimperial": 1.05505585257348e9, "decathermus": 1.054804e9,
			"thermec": 1.05505585262e8, "thermimperial": 1.05505585257348e8, "thermus": 1.054804e8,
			"erg": 1e-7, "footpound": 1.355817948, "horsepowerhour": 2.6845195377e6}
		confPrefixed("joule", 1, u, "milli", "kilo", "mega", "giga")
		confPrefixed("britishthermalunit", 1055.05585262, u, "kilo", "mega", "giga")
		confPrefixed("electronvolt", 1.602176634e-19, u, "kilo", "mega", "giga", "tera")
		confPrefixed("watthour", 3600, u, "kilo", "mega", "giga", "tera")
		confPrefixed("wattday", 86400, u, "kilo", "mega", "giga", "tera")
		return u
	}()
	confForceUnits = func() confUnits {
		u := confUnits{"dyn": 1e-5, "kilogramforce": 9.80665, "kilopond": 9.80665, "kilopoundforce": 4448.2216152605,
			"ounceforce": 0.278013850953781, "poundal": 0.138254954376, "poundforce": 4.4482216152605,
			"shorttonforce": 8896.443230521, "tonneforce": 9806.65}
		confPrefixed("newton", 1, u, "micro", "milli", "deca", "kilo", "mega")
		return u
	}()
	confLengthUnits = func() confUnits {
		u := confUnits{"angstrom": 1e-10, "astronomicalunit": 1.4959787070e11, "chain": 20.1168, "datamile": 1828.8,
			"dtppica": 0.0254 / 6, "dtppoint": 0.0254 / 72, "fathom": 1.8288, "foot": 0.3048, "hand": 0.1016,
			"inch": 0.0254, "lightyear": 9.46073047258e15, "kilolightyear": 9.46073047258e18, "megalightyear": 9.46073047258e21,
			"parsec": 3.08567758128e16, "kiloparsec": 3.08567758128e19, "megaparsec": 3.08567758128e22,
			"microinch": 2.54e-8, "mil": 2.54e-5, "mile": 1609.344, "nauticalmile": 1852,
			"printerpica": 0.0254 / 72.27 * 12, "printerpoint": 0.0254 / 72.27, "shackle": 27.432,
			"solarradius": 6.95510e8, "twip": 0.0254 / 1440, "ussurveyfoot": 1200.0 / 3937, "yard": 0.9144}
		confPrefixed("meter", 1, u, "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo")
		return u
	}()
	confMassUnits = func() confUnits {
		u := confUnits{"earthmass": 5.9722e24, "grain": 6.479891e-5, "kilopound": 453.59237, "kilotonne": 1e6,
			"longhundredweight": 50.80234544, "longton": 1016.0469088, "megapound": 453592.37, "megatonne": 1e9,
			"ounce": 0.028349523125, "pound": 0.45359237, "shorthundredweight": 45.359237, "shortton": 907.18474,
			"slug": 14.5939029372, "solarmass": 1.98947e30, "stone": 6.35029318, "tonne": 1000}
		confPrefixed("gram", 1e-3, u, "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo")
		return u
	}()
	confSpeedUnits = func() confUnits {
		u := confUnits{"knot": 1852.0 / 3600}
		lengths := map[string]float64{"centimeter": 1e-2, "decimeter": 1e-1, "foot": 0.3048, "inch": 0.0254,
			"kilometer": 1e3, "meter": 1, "micrometer": 1e-6, "mile": 1609.344, "millimeter": 1e-3,
			"nanometer": 1e-9, "ussurveyfoot": 1200.0 / 3937, "yard": 0.9144}
		for l, f := range lengths {
			u[l+"persecond"] = f
			u[l+"perminute"] = f / 60
			u[l+"perhour"] = f / 3600
		}
		return u
	}()
	confVolumeUnits = func() confUnits {
		usGallon, impGallon, cubicFoot := 3.785411784e-3, 4.54609e-3, 0.028316846592
		return confUnits{"acrefoot": 1233.48183754752, "autablespoon": 2e-5, "boardfoot": 2.359737216e-3,
			"centiliter": 1e-5, "cubiccentimeter": 1e-6, "cubicdecimeter": 1e-3, "cubicfoot": cubicFoot,
			"cubichectometer": 1e6, "cubicinch": 1.6387064e-5, "cubickilometer": 1e9, "cubicmeter": 1,
			"cubicmicrometer": 1e-18, "cubicmile": 4.16818182544058e9, "cubicmillimeter": 1e-9, "cubicyard": 0.764554857984,
			"decaliter": 1e-2, "decausgallon": 10 * usGallon, "deciliter": 1e-4, "deciusgallon": usGallon / 10,
			"hectocubicfoot": 100 * cubicFoot, "hectocubicmeter": 100, "hectoliter": 0.1, "hectousgallon": 100 * usGallon,
			"imperialbeerbarrel": 0.16365924, "imperialgallon": impGallon, "imperialounce": 2.84130625e-5,
			"imperialpint": 5.6826125e-4, "kilocubicfoot": 1000 * cubicFoot, "kilocubicmeter": 1000,
			"kiloimperialgallon": 1000 * impGallon, "kiloliter": 1, "kilousgallon": 1000 * usGallon, "liter": 1e-3,
			"megacubicfoot": 1e6 * cubicFoot, "megaimperialgallon": 1e6 * impGallon, "megaliter": 1000,
			"megausgallon": 1e6 * usGallon, "metriccup": 2.5e-4, "metricteaspoon": 5e-6, "microliter": 1e-9,
			"milliliter": 1e-6, "oilbarrel": 0.158987294928, "uktablespoon": 1.5e-5, "usbeerbarrel": 0.1173477658,
			"uscustomarycup": 2.365882365e-4, "usgallon": usGallon, "uslegalcup": 2.4e-4, "usounce": 2.95735295625e-5,
			"uspint": 4.73176473e-4, "usquart": 9.46352946e-4, "ustablespoon": 1.478676478125e-5, "usteaspoon": 4.92892159375e-6}
	}()
)

// confConvert returns a kernel converting between the units of one quantity.
func confConvert(units confUnits) ScalarKernel {
	return func(_ *Context, args []types.Value) types.Value {
		v, ok := asReal(args[0])
		from, ok1 := units[strings.ToLower(text(args[1]))]
		to, ok2 := units[strings.ToLower(text(args[2]))]
		if !ok || !ok1 || !ok2 {
			return types.NullOf(types.Real)
		}
		return types.NewReal(v * from / to)
	}
}

// confAngle converts angles; Tilt is the sine of the angle, so it converts through asin.
func confAngle(_ *Context, args []types.Value) types.Value {
	v, ok := asReal(args[0])
	fromU, toU := strings.ToLower(text(args[1])), strings.ToLower(text(args[2]))
	if !ok {
		return types.NullOf(types.Real)
	}
	var deg float64
	if fromU == "tilt" {
		deg = math.Asin(v) * 180 / math.Pi
	} else if f, ok := confAngleUnits[fromU]; ok {
		deg = v * f
	} else {
		return types.NullOf(types.Real)
	}
	if toU == "tilt" {
		return types.NewReal(math.Sin(deg * math.Pi / 180))
	}
	t, ok := confAngleUnits[toU]
	if !ok {
		return types.NullOf(types.Real)
	}
	return types.NewReal(deg / t)
}

// confToKelvin and confFromKelvin convert temperatures, which are not proportional.
var confTemperature = map[string][2]func(float64) float64{
	"kelvin":             {func(v float64) float64 { return v }, func(k float64) float64 { return k }},
	"degreecelsius":      {func(v float64) float64 { return v + 273.15 }, func(k float64) float64 { return k - 273.15 }},
	"millidegreecelsius": {func(v float64) float64 { return v/1000 + 273.15 }, func(k float64) float64 { return (k - 273.15) * 1000 }},
	"degreefahrenheit":   {func(v float64) float64 { return (v + 459.67) * 5 / 9 }, func(k float64) float64 { return k*9/5 - 459.67 }},
	"degreerankine":      {func(v float64) float64 { return v * 5 / 9 }, func(k float64) float64 { return k * 9 / 5 }},
	"degreedelisle":      {func(v float64) float64 { return 373.15 - v*2/3 }, func(k float64) float64 { return (373.15 - k) * 3 / 2 }},
	"degreenewton":       {func(v float64) float64 { return v*100/33 + 273.15 }, func(k float64) float64 { return (k - 273.15) * 33 / 100 }},
	"degreereaumur":      {func(v float64) float64 { return v*5/4 + 273.15 }, func(k float64) float64 { return (k - 273.15) * 4 / 5 }},
	"degreeroemer":       {func(v float64) float64 { return (v-7.5)*40/21 + 273.15 }, func(k float64) float64 { return (k-273.15)*21/40 + 7.5 }},
	"solartemperature":   {func(v float64) float64 { return v * 5778 }, func(k float64) float64 { return k / 5778 }},
}

func confTemperatureKernel(_ *Context, args []types.Value) types.Value {
	v, ok := asReal(args[0])
	from, ok1 := confTemperature[strings.ToLower(text(args[1]))]
	to, ok2 := confTemperature[strings.ToLower(text(args[2]))]
	if !ok || !ok1 || !ok2 {
		return types.NullOf(types.Real)
	}
	return types.NewReal(to[1](from[0](v)))
}

// confConvertFuncs declares the convert_* functions.
func confConvertFuncs() []*Func {
	mk := func(name, doc string, k ScalarKernel, examples ...Example) *Func {
		return &Func{Name: name, Kind: Scalar, MinArgs: 3, MaxArgs: 3,
			Result: returns(name, types.Real, argNumber, argString, argString), Doc: doc, Scalar: k, Examples: examples}
	}
	return []*Func{
		mk("convert_angle", "an angle converted between units", confAngle, ex(`convert_angle(1.2, 'Degree', 'Arcminute')`, `72`)),
		mk("convert_energy", "an energy converted between units", confConvert(confEnergyUnits),
			ex(`convert_energy(1.2, 'Joule', 'BritishThermalUnit')`, `0.00113738054437598`)),
		mk("convert_force", "a force converted between units", confConvert(confForceUnits), ex(`convert_force(1.2, 'Newton', 'Decanewton')`, `0.12`)),
		mk("convert_length", "a length converted between units", confConvert(confLengthUnits), ex(`convert_length(1.2, 'Meter', 'Foot')`, `3.93700787401575`)),
		mk("convert_mass", "a mass converted between units", confConvert(confMassUnits), ex(`convert_mass(1.2, 'Kilogram', 'Pound')`, `2.64554714621853`)),
		mk("convert_speed", "a speed converted between units", confConvert(confSpeedUnits),
			ex(`convert_speed(1.2, 'MeterPerSecond', 'CentimeterPerHour')`, `432000`)),
		mk("convert_temperature", "a temperature converted between units", confTemperatureKernel,
			ex(`convert_temperature(1.2, 'Kelvin', 'DegreeCelsius')`, `-271.95`)),
		mk("convert_volume", "a volume converted between units", confConvert(confVolumeUnits),
			ex(`convert_volume(1.2, 'CubicMeter', 'AcreFoot')`, `0.0009728568`)),
	}
}
