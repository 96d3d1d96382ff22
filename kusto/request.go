package kusto

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/socfeed/socfeed/kql/types"
)

// request is the body of a query or management call.
type request struct {
	DB         string          `json:"db"`
	CSL        string          `json:"csl"`
	Properties json.RawMessage `json:"properties"`
}

// properties are the client request properties socfeed acts on. Kusto ignores options it
// does not know, and so does socfeed.
type properties struct {
	serverTimeout   time.Duration // 0: the default
	truncMaxRecords int64         // 0: the default
	noTruncation    bool
	now             time.Time // query_now; zero: the wall clock
	// query_datetimescope_column, _from and _to: only rows of tables having the column
	// whose value lies in [scopeFrom, scopeTo] are seen (a zero bound is open).
	scopeColumn        string
	scopeFrom, scopeTo time.Time
	// v2 layout options sent by the Go SDK.
	newlines    bool // results_v2_newlines_between_frames
	fragmented  bool // results_v2_fragment_primary_tables
	endOfTable  bool // results_error_reporting_placement = end_of_table
	parameters  map[string]string
	progressive bool // results_progressive_enabled (answered non-progressively)
}

// maxRequestBytes bounds a request body.
const maxRequestBytes = 16 << 20

// readRequest decodes the request body (JSON, possibly gzip-compressed).
func readRequest(r *http.Request) (*request, *properties, error) {
	var body io.Reader = http.MaxBytesReader(nil, r.Body, maxRequestBytes)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, nil, badRequest("cannot read the request body: %v", err)
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, nil, badRequest("cannot read the request body: %v", err)
	}
	var req request
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return nil, nil, badRequest("the request body is not a JSON object with db and csl: %v", err)
	}
	if strings.TrimSpace(req.CSL) == "" {
		return nil, nil, badRequest("the request has no query text (csl)")
	}
	props, err := parseProperties(req.Properties)
	if err != nil {
		return nil, nil, err
	}
	return &req, props, nil
}

// parseProperties reads the properties member: an object, or a JSON string holding one
// (as older clients send it), with Options and Parameters.
func parseProperties(raw json.RawMessage) (*properties, error) {
	p := &properties{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return p, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, badRequest("bad properties: %v", err)
		}
		if strings.TrimSpace(s) == "" {
			return p, nil
		}
		raw = json.RawMessage(s)
	}
	var obj struct {
		Options    map[string]any `json:"Options"`
		Parameters map[string]any `json:"Parameters"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		return nil, badRequest("bad properties: %v", err)
	}
	for k, v := range obj.Options {
		if err := p.set(strings.ToLower(k), v); err != nil {
			return nil, err
		}
	}
	if len(obj.Parameters) > 0 {
		p.parameters = map[string]string{}
		for k, v := range obj.Parameters {
			p.parameters[k] = fmt.Sprint(v)
		}
	}
	return p, nil
}

func (p *properties) set(name string, v any) error {
	switch name {
	case "servertimeout":
		d, err := durationOption(name, v)
		if err != nil {
			return err
		}
		p.serverTimeout = d
	case "truncationmaxrecords":
		n, err := intOption(name, v)
		if err != nil {
			return err
		}
		p.truncMaxRecords = n
	case "notruncation":
		b, err := boolOption(name, v)
		if err != nil {
			return err
		}
		p.noTruncation = b
	case "query_now":
		s, ok := v.(string)
		ticks, ok2 := types.ParseDateTime(s)
		if !ok || !ok2 {
			return badRequest("bad value for option query_now: %v is not a datetime", v)
		}
		p.now = types.TimeFromTicks(ticks)
	case "query_datetimescope_column":
		s, ok := v.(string)
		if !ok {
			return badRequest("bad value for option query_datetimescope_column: %v is not a column name", v)
		}
		p.scopeColumn = s
	case "query_datetimescope_from", "query_datetimescope_to":
		s, ok := v.(string)
		ticks, ok2 := types.ParseDateTime(s)
		if !ok || !ok2 {
			return badRequest("bad value for option %s: %v is not a datetime", name, v)
		}
		if name == "query_datetimescope_from" {
			p.scopeFrom = types.TimeFromTicks(ticks)
		} else {
			p.scopeTo = types.TimeFromTicks(ticks)
		}
	case "results_v2_newlines_between_frames":
		b, err := boolOption(name, v)
		if err != nil {
			return err
		}
		p.newlines = b
	case "results_v2_fragment_primary_tables":
		b, err := boolOption(name, v)
		if err != nil {
			return err
		}
		p.fragmented = b
	case "results_error_reporting_placement":
		s, _ := v.(string)
		switch strings.ToLower(s) {
		case "end_of_table", "endoftable":
			p.endOfTable = true
		case "in_data", "indata", "end_of_dataset", "endofdataset", "":
		default:
			return badRequest("bad value for option results_error_reporting_placement: %q", s)
		}
	case "results_progressive_enabled":
		b, err := boolOption(name, v)
		if err != nil {
			return err
		}
		p.progressive = b
	}
	return nil
}

func durationOption(name string, v any) (time.Duration, error) {
	switch x := v.(type) {
	case string:
		if ticks, ok := types.ParseTimeSpan(x); ok && ticks >= 0 {
			return time.Duration(ticks) * 100, nil
		}
	case json.Number:
		// A number counts ticks, as a .NET TimeSpan serialized as a number does.
		if n, err := x.Int64(); err == nil && n >= 0 {
			return time.Duration(n) * 100, nil
		}
	}
	return 0, badRequest("bad value for option %s: %v is not a timespan", name, v)
}

func intOption(name string, v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil && n >= 0 {
			return n, nil
		}
		if f, err := x.Float64(); err == nil && f >= 0 && f == math.Trunc(f) && f < math.MaxInt64 {
			return int64(f), nil
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, badRequest("bad value for option %s: %v is not a non-negative integer", name, v)
}

func boolOption(name string, v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
			return b, nil
		}
	case json.Number:
		switch x.String() {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
	}
	return false, badRequest("bad value for option %s: %v is not a bool", name, v)
}
