// contrib/duckdb/group.mjs - the month's complaint statistics of many
// offices read straight from their books by DuckDB (issue 18):
//   node group.mjs --month 2026-11 OFFICE_DIR...
// prints one JSON object an office, keyed as pm-report complaints
// --format json.  Needs @duckdb/node-api (npm install in this folder).
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const at = args.indexOf('--month');
if (at < 0 || !/^\d{4}-\d{2}$/.test(args[at + 1] ?? '')) {
  console.error('usage: node group.mjs --month YYYY-MM OFFICE_DIR...');
  process.exit(64);
}
const month = args[at + 1];
const dirs = args.filter((_, i) => i !== at && i !== at + 1);

// A book's files: the live one, and its volumes archive/<book>/<YYYY>/.
function files(dir, book) {
  const out = [];
  if (existsSync(join(dir, `${book}.csv`))) out.push(join(dir, `${book}.csv`));
  const vol = join(dir, 'archive', book);
  if (existsSync(vol))
    for (const y of readdirSync(vol).filter((y) => /^[0-9]{4}$/.test(y)).sort())
      for (const f of readdirSync(join(vol, y)).sort())
        if (f.endsWith('.csv.gz')) out.push(join(vol, y, f));
  return out;
}
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const list = (paths) => `[${paths.map(q).join(', ')}]`;
// the office's directory: what stands before the book's own path
const dirOf = `regexp_extract(filename, '^(.*?)/(archive/[^/]+/[0-9]{4}/)?[a-z_]+(-[0-9-]+)?\\.csv(\\.gz)?$', 1)`;
function view(name, books, cols) {
  const paths = dirs.flatMap((d) => books.flatMap((b) => files(d, b)));
  if (paths.length === 0)
    return `CREATE TABLE ${name} AS SELECT ${cols.map((c) => `NULL::VARCHAR AS ${c}`).join(', ')}, NULL::VARCHAR AS dir WHERE false`;
  return `CREATE TABLE ${name} AS SELECT ${cols.join(', ')}, ${dirOf} AS dir FROM read_csv(${list(paths)}, union_by_name = true, filename = true, all_varchar = true, header = true)`;
}

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
await c.run(view('reg', ['complaints', 'requests'],
  ['seq', '"at"', 'code', 'kind', 'importance', 'category', 'requested_by']));
await c.run(view('ev', ['complaint_events'],
  ['seq', '"at"', 'code', 'step', 'valid', 'importance', '"until"']));
await c.run(view('vis', ['visits'],
  ['seq', '"at"', 'event', 'ref', 'type', 'satisfaction', 'verdict']));
// pm.conf: key = value lines; the office code and households
const conf = dirs.map((d) => {
  const kv = Object.fromEntries(readFileSync(join(d, 'pm.conf'), 'utf8')
    .split('\n').map((l) => l.replace(/#.*/, '').split('='))
    .filter((p) => p.length >= 2).map(([k, ...v]) => [k.trim(), v.join('=').trim()]));
  return `(${q(d.replace(/\/+$/, ''))}, ${q(kv.office ?? '')}, ${Number(kv.households ?? 0)})`;
});
await c.run(`CREATE TABLE conf(dir VARCHAR, office VARCHAR, households BIGINT)`);
await c.run(`INSERT INTO conf VALUES ${conf.join(', ')}`);
await c.run(`SET VARIABLE month = ${q(month)}`);
const sql = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'complaints.sql'), 'utf8');
const rows = (await c.runAndReadAll(sql)).getRowObjectsJson();
const rate = (a, b) => (Number(b) ? Number((Number(a) / Number(b)).toFixed(4)) : null);
// a table's cells are text, as pm-report's json writes them
const rateText = (a, b) => (Number(b) ? (Number(a) / Number(b)).toFixed(4) : 'null');
for (const r of rows)
  console.log(JSON.stringify({
    office: r.office, month, total: Number(r.total),
    by_importance: { A: Number(r.importance_a), B: Number(r.importance_b), C: Number(r.importance_c) },
    by_category: Object.fromEntries(['KF', 'ZX', 'GC', 'BJ', 'YY', 'QT']
      .map((k) => [k, Number(r[`category_${k.toLowerCase()}`])])),
    handled: Number(r.handled), timely_rate: rate(r.timely, r.handled),
    valid_rate: rate(r.valid, r.reviewed), complaint_rate: rate(r.total, r.households),
    callback_rate: rate(r.visits_visited, r.visits_due),
    satisfaction_rate: rate(r.visits_satisfied, r.visits_visited),
    correct_rate: rate(r.visits_passed, r.visits_reviewed),
    open_carried: Number(r.open_carried), requests: Number(r.requests),
    request_types: ['inquiry', 'suggestion', 'help', 'repair'].map((t) => ({
      request_type: t, registered: String(r[`${t}_registered`]),
      answered: String(r[`${t}_answered`]),
      reply_rate: rateText(r[`${t}_answered`], r[`${t}_registered`]),
      on_time: String(r[`${t}_on_time`]),
      timely_rate: rateText(r[`${t}_on_time`], r[`${t}_registered`]),
    })),
  }));
