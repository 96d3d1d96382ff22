package kusto

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/socfeed/socfeed/rules/hunt"
	"github.com/socfeed/socfeed/rules/hunt/local"
)

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		in, cluster, db, err string
	}{
		{"kusto://mycluster.westeurope.kusto.windows.net/Security", "https://mycluster.westeurope.kusto.windows.net", "Security", ""},
		{"https://help.kusto.windows.net/Samples", "https://help.kusto.windows.net", "Samples", ""},
		{"http://127.0.0.1:8080/NetDefaultDB", "http://127.0.0.1:8080", "NetDefaultDB", ""},
		{"https://ade.loganalytics.io/subscriptions/0000/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/ws1",
			"https://ade.loganalytics.io/subscriptions/0000/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/ws1", "ws1", ""},
		{"https://host/My%20DB", "https://host", "My DB", ""},
		{"https://host", "", "", "no database"},
		{"ftp://host/db", "", "", "expected kusto://"},
		{"https://host/a/b", "", "", "one path element"},
		{"kusto:///db", "", "", "no host"},
	}
	for _, tt := range tests {
		c, db, err := ParseEndpoint(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseEndpoint(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || c != tt.cluster || db != tt.db {
			t.Errorf("ParseEndpoint(%q) = %q, %q, %v, want %q, %q", tt.in, c, db, err, tt.cluster, tt.db)
		}
	}
}

// TestBackendMatchesLocal runs the same queries on the local engine and through a socfeed
// Kusto endpoint with the Backend, and compares the tables.
func TestBackendMatchesLocal(t *testing.T) {
	db := testDatabase(t)
	srv := testServer(t, Options{Databases: map[string]*Database{"SecurityLogs": db}})
	be, err := NewBackend(srv.URL+"/SecurityLogs", BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	if be.Auth() != "none" {
		t.Errorf("Auth() = %q, want none for a loopback endpoint", be.Auth())
	}
	loc := local.New(db.Tables, nil, nil)
	now := time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC)
	day := hunt.Window{Start: now.Add(-24 * time.Hour), End: now}
	tests := []struct {
		q string
		w hunt.Window
	}{
		{"SigninLogs | project TimeGenerated, UserPrincipalName, LocationDetails, ResultType | order by TimeGenerated asc", hunt.Window{}},
		{"SigninLogs | project TimeGenerated, UserPrincipalName | order by TimeGenerated asc", day},
		{"SigninLogs | where TimeGenerated > ago(1d) | summarize n = count(), first = min(TimeGenerated) by AppDisplayName | order by AppDisplayName asc", hunt.Window{}},
		{"SigninLogs | summarize n = count() | extend now = now(), since = ago(2h), span = now() - datetime(2024-03-01)", day},
		{`SigninLogs | extend City = tostring(LocationDetails.city), Bag = bag_pack("ip", IPAddress), Guid = new_guid() | project-away Guid | order by TimeGenerated asc`, hunt.Window{Start: now.Add(-48 * time.Hour), End: now.Add(48 * time.Hour)}},
		{"Beats_CL | order by Seq asc", day},
		{"Beats_CL | join kind=inner (SigninLogs | summarize c = count()) on $left.Seq == $right.c", hunt.Window{}},
		{"print r = 1.0/3, i = int(5), d = decimal(1.25), l = 3000000000, b = false, e = dynamic([]), n = real(null)", hunt.Window{}},
		{"AuditLogs | take 5", day},
		{"let x = 3; range i from 1 to x step 1 | extend t = now() - i * 1h", hunt.Window{}},
	}
	ctx := context.Background()
	rows := map[string]int{}
	for _, tt := range tests {
		want, err := loc.Query(ctx, tt.q, now, tt.w)
		if err != nil {
			t.Errorf("local %q: %v", tt.q, err)
			continue
		}
		got, err := be.Query(ctx, tt.q, now, tt.w)
		if err != nil {
			t.Errorf("backend %q: %v", tt.q, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q over %v: local and backend differ (-local +backend):\n%s", tt.q, tt.w, diff)
		}
		rows[tt.q+"/"+windowName(tt.w)] = len(got.Rows)
	}
	// The window matters: the day before now holds one of the four sign-ins.
	if a, b := rows["SigninLogs | project TimeGenerated, UserPrincipalName | order by TimeGenerated asc/day"], 1; a != b {
		t.Errorf("windowed query gave %d rows, want %d", a, b)
	}
}

func windowName(w hunt.Window) string {
	if w.IsZero() {
		return "all"
	}
	if w.End.Sub(w.Start) == 24*time.Hour {
		return "day"
	}
	return "other"
}

func TestBackendQueryErrors(t *testing.T) {
	db := testDatabase(t)
	srv := testServer(t, Options{Databases: map[string]*Database{"SecurityLogs": db}})
	be, err := NewBackend(srv.URL+"/SecurityLogs", BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	loc := local.New(db.Tables, nil, nil)
	now := time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC)
	for _, q := range []string{
		"SigninLogs\n| wher ResultType == 0",
		"SigninLogs | where NoSuchColumn == 1",
		"SigninLogs | summarize count() by bin(TimeGenerated, 1h) | where ÄÖ > 1",
	} {
		_, lerr := loc.Query(context.Background(), q, now, hunt.Window{})
		_, berr := be.Query(context.Background(), q, now, hunt.Window{})
		var lq, bq *hunt.QueryError
		if !errors.As(lerr, &lq) || !errors.As(berr, &bq) {
			t.Errorf("%q: local error %v, backend error %v; want *hunt.QueryError from both", q, lerr, berr)
			continue
		}
		if lq.Offset != bq.Offset || lq.Msg != bq.Msg {
			t.Errorf("%q: backend error %+v, local %+v", q, *bq, *lq)
		}
	}
	// A database the endpoint does not have is not a query error.
	other, err := NewBackend(srv.URL+"/Nope", BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Query(context.Background(), "print 1", now, hunt.Window{})
	var qe *hunt.QueryError
	if err == nil || errors.As(err, &qe) || !strings.Contains(err.Error(), "'Nope'") {
		t.Errorf("unknown database: err = %v", err)
	}
}

// TestBackendDataSpan checks the hunt runner's as-of default (the latest TimeGenerated)
// comes out the same through the backend, which answers it with a query.
func TestBackendDataSpan(t *testing.T) {
	db := testDatabase(t)
	srv := testServer(t, Options{Databases: map[string]*Database{"SecurityLogs": db}})
	be, err := NewBackend(srv.URL+"/SecurityLogs", BackendOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer be.Close()
	ctx := context.Background()
	lf, ll, lok, lerr := hunt.DataSpan(ctx, local.New(db.Tables, nil, nil))
	bf, bl, bok, berr := hunt.DataSpan(ctx, be)
	if lerr != nil || berr != nil || !lok || !bok || !lf.Equal(bf) || !ll.Equal(bl) {
		t.Errorf("DataSpan: local %v %v %v %v, backend %v %v %v %v", lf, ll, lok, lerr, bf, bl, bok, berr)
	}
	if want := time.Date(2024, 3, 3, 23, 59, 59, 0, time.UTC); !bl.Equal(want) {
		t.Errorf("backend span ends %v, want %v", bl, want)
	}
}
