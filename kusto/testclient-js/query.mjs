// Runs queries against a Kusto endpoint with Microsoft's azure-kusto-data client and prints
// the results as JSON, keeping the types the client gives each value.
//
//   KUSTO_URL=http://127.0.0.1:8080 KUSTO_DB=NetDefaultDB node query.mjs 'print 1' '.show tables'
//
// KUSTO_TOKEN, when set, is sent as a bearer token. Each argument is a query or, when it
// starts with a dot, a control command. The output is one JSON object:
//   {"results": [{"query": ..., "columns": [{"name", "type"}], "rows": [[...]]} | {"query", "error"}]}
// with datetime values as {"date": ISO text}, timespans as milliseconds (as the client
// parses them), dynamic values as JSON, and numbers, strings, booleans and nulls as they are.
import { Client, KustoConnectionStringBuilder } from "azure-kusto-data";

const url = process.env.KUSTO_URL;
const db = process.env.KUSTO_DB;
if (!url || !db) {
  console.error("usage: KUSTO_URL=... KUSTO_DB=... node query.mjs QUERY...");
  process.exit(2);
}
const kcsb = process.env.KUSTO_TOKEN
  ? KustoConnectionStringBuilder.withAccessToken(url, process.env.KUSTO_TOKEN)
  : new KustoConnectionStringBuilder(url);
const client = new Client(kcsb);

function plain(v) {
  if (v instanceof Date) return { date: v.toISOString() };
  return v;
}

const results = [];
for (const q of process.argv.slice(2)) {
  try {
    const res = await client.execute(db, q);
    const t = res.primaryResults[0];
    const rows = [];
    for (const row of t.rows()) {
      rows.push(t.columns.map((c) => plain(row[c.name])));
    }
    results.push({ query: q, columns: t.columns.map((c) => ({ name: c.name, type: c.type })), rows });
  } catch (e) {
    const body = e && e.response && e.response.data;
    const detail = body && body.error ? body.error["@message"] : undefined;
    results.push({ query: q, error: detail || String(e && e.message ? e.message : e), status: e && e.response ? e.response.status : undefined });
  }
}
client.close();
process.stdout.write(JSON.stringify({ results }) + "\n");
