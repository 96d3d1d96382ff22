package kusto

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-kusto-go/azkustodata"
	kerrors "github.com/Azure/azure-kusto-go/azkustodata/errors"
	"github.com/Azure/azure-kusto-go/azkustodata/kql"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/socfeed/socfeed/kql/types"
	"github.com/socfeed/socfeed/rules/hunt"
)

// BackendOptions configure [NewBackend].
type BackendOptions struct {
	// Credential authenticates to the endpoint. Nil means: no authentication for a
	// loopback or plain-HTTP endpoint (a local socfeed, the Kusto emulator), Token when it
	// is set, and otherwise the Azure identity library's DefaultAzureCredential chain
	// (environment variables, workload identity, managed identity, Azure CLI, Azure
	// Developer CLI).
	Credential azcore.TokenCredential
	// Token is a static bearer token, as a socfeed endpoint started with --token expects.
	// The SDK sends tokens over HTTPS only.
	Token string
	// HTTPClient, when set, carries the requests (tests use it to trust a test
	// certificate).
	HTTPClient *http.Client
	// TimeColumn is the column a query window limits; "" means TimeGenerated.
	TimeColumn string
}

// Backend is a [hunt.Engine] that runs each query on a Kusto endpoint through the v2 REST
// API, using Microsoft's Go SDK (azure-kusto-go) for the connection and authentication and
// reading the response frames itself, so every value keeps its exact Kusto type.
//
// now() and ago() are pinned with the query_now request property. A window is applied
// with Kusto's datetime scope properties (query_datetimescope_column, _from and _to): the
// service then shows the query only the rows of tables having TimeGenerated within the
// window, and tables without the column whole, as the local engine does.
//
// A Backend is safe for concurrent use.
type Backend struct {
	client   *azkustodata.Client
	cluster  string
	db       string
	timeCol  string
	authMode string
}

// ParseEndpoint splits a hunt backend address into the cluster URL and the database:
//
//	kusto://HOST/DATABASE                    https://HOST, DATABASE
//	https://HOST/DATABASE, http://HOST:PORT/DATABASE
//	https://ade.loganalytics.io/subscriptions/S/resourcegroups/G/providers/microsoft.operationalinsights/workspaces/W
//	                                         the whole URL, W (Log Analytics through its ADX proxy)
//	https://ade.applicationinsights.io/subscriptions/.../components/C   likewise, C
func ParseEndpoint(s string) (cluster, database string, err error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", "", fmt.Errorf("bad Kusto endpoint %q: %v", s, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "kusto":
		u.Scheme = "https"
	case "https", "http":
	default:
		return "", "", fmt.Errorf("bad Kusto endpoint %q: expected kusto://HOST/DATABASE, https://HOST/DATABASE or http://HOST:PORT/DATABASE", s)
	}
	if u.Host == "" {
		return "", "", fmt.Errorf("bad Kusto endpoint %q: no host", s)
	}
	path := strings.Trim(u.Path, "/")
	if path == "" {
		return "", "", fmt.Errorf("bad Kusto endpoint %q: no database; add it as the path (%s://%s/DATABASE)", s, u.Scheme, u.Host)
	}
	parts := strings.Split(path, "/")
	if strings.EqualFold(parts[0], "subscriptions") {
		// The ADX proxy of Log Analytics and Application Insights: the cluster is the
		// resource's URL and the database is the resource's name.
		if len(parts) < 8 {
			return "", "", fmt.Errorf("bad Kusto endpoint %q: a Log Analytics proxy address ends with /workspaces/NAME", s)
		}
		u.RawQuery, u.Fragment = "", ""
		return u.String(), parts[len(parts)-1], nil
	}
	if len(parts) != 1 {
		return "", "", fmt.Errorf("bad Kusto endpoint %q: expected one path element, the database", s)
	}
	db, err := url.PathUnescape(parts[0])
	if err != nil {
		return "", "", fmt.Errorf("bad Kusto endpoint %q: %v", s, err)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
	return u.String(), db, nil
}

// isLoopbackHost reports whether a URL's host is a loopback name or address.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// NewBackend connects to the Kusto endpoint (see [ParseEndpoint] for the forms).
func NewBackend(endpoint string, opts BackendOptions) (*Backend, error) {
	cluster, db, err := ParseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(cluster)
	kcsb := azkustodata.NewConnectionStringBuilder(cluster)
	mode := "none"
	switch {
	case opts.Credential != nil:
		kcsb = kcsb.WithTokenCredential(opts.Credential)
		mode = "credential"
	case opts.Token != "":
		if u.Scheme != "https" {
			return nil, fmt.Errorf("kusto endpoint %s: a token can only be sent over https", cluster)
		}
		kcsb = kcsb.WithAadUserToken(opts.Token)
		mode = "token"
	case u.Scheme == "http" || isLoopbackHost(u.Host):
		// A local socfeed or the emulator: no authentication.
	default:
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("kusto endpoint %s: cannot set up Azure authentication: %v", cluster, err)
		}
		kcsb = kcsb.WithTokenCredential(cred)
		mode = "azure"
	}
	kcsb.SetConnectorDetails("socfeed", "1", "socfeed", "", false, "")
	var copts []azkustodata.Option
	if opts.HTTPClient != nil {
		copts = append(copts, azkustodata.WithHttpClient(opts.HTTPClient))
	}
	client, err := azkustodata.New(kcsb, copts...)
	if err != nil {
		return nil, fmt.Errorf("kusto endpoint %s: %v", cluster, err)
	}
	col := opts.TimeColumn
	if col == "" {
		col = "TimeGenerated"
	}
	return &Backend{client: client, cluster: cluster, db: db, timeCol: col, authMode: mode}, nil
}

// Cluster returns the URL of the cluster the backend queries.
func (b *Backend) Cluster() string { return b.cluster }

// Database returns the database the backend queries.
func (b *Backend) Database() string { return b.db }

// Auth tells how the backend authenticates: "none", "token", "credential" (the one given)
// or "azure" (the DefaultAzureCredential chain).
func (b *Backend) Auth() string { return b.authMode }

// Close releases the backend's connections.
func (b *Backend) Close() error { return b.client.Close() }

// tick is Kusto's time resolution; the window's start is exclusive.
const tick = 100 * time.Nanosecond

// Query implements [hunt.Engine]: it runs query on the endpoint with now() fixed at now,
// over the rows in w, and returns the last primary result table.
func (b *Backend) Query(ctx context.Context, query string, now time.Time, w hunt.Window) (*hunt.Table, error) {
	opts := []azkustodata.QueryOption{azkustodata.QueryNow(now.UTC())}
	if !w.IsZero() {
		opts = append(opts, azkustodata.QueryDateTimeScopeColumn(b.timeCol))
		if !w.Start.IsZero() {
			opts = append(opts, azkustodata.QueryDateTimeScopeFrom(w.Start.UTC().Add(tick)))
		}
		if !w.End.IsZero() {
			opts = append(opts, azkustodata.QueryDateTimeScopeTo(w.End.UTC()))
		}
	}
	body, err := b.client.RawV2(ctx, b.db, kql.New("").AddUnsafe(query), opts)
	if err != nil {
		return nil, b.queryError(err, query)
	}
	defer body.Close()
	tables, err := readV2(body)
	if err != nil {
		return nil, fmt.Errorf("kusto endpoint %s: %w", b.cluster, err)
	}
	var last *hunt.Table
	for _, t := range tables {
		if t.kind == "PrimaryResult" {
			last = t.table
		}
	}
	if last == nil {
		return &hunt.Table{}, nil
	}
	return last, nil
}

// queryError turns an SDK error into a [hunt.QueryError] when the service rejected the
// query text (with the position it gave, if any), and otherwise into a plain error that
// names the endpoint.
func (b *Backend) queryError(err error, query string) error {
	var he *kerrors.HttpError
	if errors.As(err, &he) {
		m := he.UnmarshalREST()
		if e, ok := m["error"].(map[string]any); ok {
			typ, _ := e["@type"].(string)
			msg, _ := e["@message"].(string)
			if msg == "" {
				msg, _ = e["message"].(string)
			}
			if strings.HasSuffix(typ, "SyntaxException") || strings.HasSuffix(typ, "SemanticException") {
				qe := &hunt.QueryError{Offset: -1, Msg: errorText(e, msg)}
				line, lok := intMember(e["@line"])
				col, cok := intMember(e["@pos"])
				if lok && cok {
					qe.Offset = offsetOf(query, line, col)
				}
				return qe
			}
			return fmt.Errorf("kusto endpoint %s: %s (HTTP %d, %s)", b.cluster, msg, he.StatusCode, e["code"])
		}
		return fmt.Errorf("kusto endpoint %s: HTTP %d", b.cluster, he.StatusCode)
	}
	return fmt.Errorf("kusto endpoint %s: %w", b.cluster, err)
}

// errorText is the message of a query error without the service's decorations.
func errorText(e map[string]any, msg string) string {
	if m, ok := e["@errorMessage"].(string); ok && m != "" {
		return m
	}
	for _, p := range []string{"Syntax error: ", "Semantic error: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	if i := strings.LastIndex(msg, " [line:position="); i > 0 {
		msg = msg[:i]
	}
	return msg
}

func intMember(v any) (int, bool) {
	switch x := v.(type) {
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	case float64:
		return int(x), true
	}
	return 0, false
}

// offsetOf converts a 1-based line and column (in runes) to a byte offset of src, or -1.
func offsetOf(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(src) || src[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRuneInString(src[off:])
		off += size
	}
	return off
}

// resultTable is one table of a v2 response.
type resultTable struct {
	kind  string
	table *hunt.Table
}

// frame is the union of the v2 frame members the reader needs.
type frame struct {
	FrameType    string            `json:"FrameType"`
	TableID      int               `json:"TableId"`
	TableKind    string            `json:"TableKind"`
	TableName    string            `json:"TableName"`
	Columns      []frameColumn     `json:"Columns"`
	Rows         []json.RawMessage `json:"Rows"`
	HasErrors    bool              `json:"HasErrors"`
	Cancelled    bool              `json:"Cancelled"`
	OneAPIErrors []json.RawMessage `json:"OneApiErrors"`
}

type frameColumn struct {
	ColumnName string `json:"ColumnName"`
	ColumnType string `json:"ColumnType"`
	DataType   string `json:"DataType"`
}

// readV2 reads a v2 response: a JSON array of frames, with primary results as DataTable
// frames or as TableHeader, TableFragment and TableCompletion frames.
func readV2(r io.Reader) ([]resultTable, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("cannot read the response: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("the response is not a v2 frame array")
	}
	var (
		out  []resultTable
		open *resultTable // a fragmented table being read
		cols []types.Type
		done bool
	)
	for dec.More() {
		var f frame
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("cannot read a response frame: %v", err)
		}
		switch f.FrameType {
		case "DataSetHeader":
		case "DataTable", "TableHeader":
			t := &hunt.Table{}
			cols = cols[:0]
			for _, c := range f.Columns {
				name := c.ColumnType
				if name == "" {
					name = c.DataType
				}
				ty, ok := parseColumnType(name)
				if !ok {
					return nil, fmt.Errorf("column %q has unknown type %q", c.ColumnName, name)
				}
				t.Columns = append(t.Columns, hunt.Column{Name: c.ColumnName, Type: ty})
				cols = append(cols, ty)
			}
			rt := resultTable{kind: f.TableKind, table: t}
			if f.FrameType == "TableHeader" {
				open = &rt
				continue
			}
			if err := appendRows(t, cols, f.Rows); err != nil {
				return nil, fmt.Errorf("table %s: %w", f.TableName, err)
			}
			out = append(out, rt)
		case "TableFragment":
			if open == nil {
				return nil, errors.New("a TableFragment frame outside a table")
			}
			if err := appendRows(open.table, cols, f.Rows); err != nil {
				return nil, err
			}
		case "TableCompletion":
			if open == nil {
				return nil, errors.New("a TableCompletion frame outside a table")
			}
			if len(f.OneAPIErrors) > 0 {
				return nil, oneAPIErrors(f.OneAPIErrors)
			}
			out = append(out, *open)
			open = nil
		case "DataSetCompletion":
			if f.HasErrors || f.Cancelled {
				if len(f.OneAPIErrors) > 0 {
					return nil, oneAPIErrors(f.OneAPIErrors)
				}
				return nil, errors.New("the query failed (the service reported errors without details)")
			}
			done = true
		}
	}
	if !done {
		return nil, errors.New("the response ended before its DataSetCompletion frame")
	}
	return out, nil
}

// appendRows decodes rows of cells into t. A row that is an object carries errors
// reported in the data.
func appendRows(t *hunt.Table, cols []types.Type, rows []json.RawMessage) error {
	for _, raw := range rows {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '{' {
			var e struct {
				OneAPIErrors []json.RawMessage `json:"OneApiErrors"`
				Exceptions   []string          `json:"Exceptions"`
			}
			if err := json.Unmarshal(raw, &e); err == nil && len(e.OneAPIErrors) > 0 {
				return oneAPIErrors(e.OneAPIErrors)
			}
			if len(e.Exceptions) > 0 {
				return errors.New(e.Exceptions[0])
			}
			return fmt.Errorf("unexpected row %s", truncate(string(raw), 80))
		}
		var cells []json.RawMessage
		if err := json.Unmarshal(raw, &cells); err != nil {
			return fmt.Errorf("bad row: %v", err)
		}
		if len(cells) != len(cols) {
			return fmt.Errorf("a row has %d cells for %d columns", len(cells), len(cols))
		}
		row := make([]types.Value, len(cells))
		for i, c := range cells {
			v, err := decodeValue(c, cols[i])
			if err != nil {
				return fmt.Errorf("column %s: %v", t.Columns[i].Name, err)
			}
			row[i] = v
		}
		t.Rows = append(t.Rows, row)
	}
	return nil
}

// oneAPIErrors reports the first of the service's OneApi errors.
func oneAPIErrors(raw []json.RawMessage) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Detail  string `json:"@message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw[0], &e); err != nil {
		return fmt.Errorf("the query failed: %s", truncate(string(raw[0]), 200))
	}
	msg := e.Error.Detail
	if msg == "" {
		msg = e.Error.Message
	}
	return fmt.Errorf("the query failed: %s (%s)", msg, e.Error.Code)
}
