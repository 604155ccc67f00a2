// Analytics on JSON Lines: loads sockscope timelines into DuckDB, counts packets
// and analysis flags per flow with SQL, and checks the counts against the flow
// summaries sockscope itself wrote (read here with JSON.parse, not through
// DuckDB).  The queries are the ones docs/analytics.md shows.
//     node tests/analytics/duckdb.mjs [path/to/sockscope]
// Prints "analytics: N passed, N failed" last; exits 1 on any failure.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = resolve(process.argv[2] || process.env.SOCKSCOPE_BIN || join(ROOT, 'build', 'sockscope'));
const TMP = mkdtempSync(join(tmpdir(), 'sockscope-analytics-'));
let passed = 0, failed = 0;

/* The captures: every recording made to raise the analysis flags, the demos'
 * captures, and 20,000 packets of the benchmark's synthetic traffic. */
function captures() {
	const list = [];
	for (const dir of ['tests/data', 'captures'])
		for (const f of readdirSync(join(ROOT, dir)).sort())
			if (/\.pcap(ng)?$/.test(f)) list.push(join(ROOT, dir, f));
	const gencap = join(TMP, 'gencap'), synthetic = join(TMP, 'synthetic.pcap');
	execFileSync('cc', ['-O2', '-o', gencap, join(ROOT, 'bench', 'gencap.c')]);
	execFileSync(gencap, [synthetic, '20000'], { stdio: 'ignore' });
	list.push(synthetic);
	return list;
}

const SQL = {
	/* The columns named, so that a timeline without packets still has them. */
	view: (file) => `CREATE OR REPLACE VIEW timeline AS
		SELECT * FROM read_json('${file.replaceAll("'", "''")}', format = 'newline_delimited',
			columns = {kind: 'VARCHAR', flow: 'BIGINT', dir: 'VARCHAR', analysis: 'JSON',
			           source: 'STRUCT(packets BIGINT)', event_count: 'BIGINT', flow_count: 'BIGINT'})`,
	packets: `SELECT flow, count(*) AS packets,
			count(*) FILTER (WHERE dir = 'c2s') AS packets_c2s,
			count(*) FILTER (WHERE dir = 's2c') AS packets_s2c
		FROM timeline WHERE kind = 'packet' AND flow IS NOT NULL
		GROUP BY flow ORDER BY flow`,
	flags: `SELECT flow, flag, count(*) AS n
		FROM (SELECT flow, unnest(CAST(analysis AS VARCHAR[])) AS flag
		      FROM timeline WHERE kind = 'packet' AND flow IS NOT NULL)
		GROUP BY flow, flag ORDER BY flow, flag`,
	end: `SELECT event_count, flow_count, source.packets AS packets FROM timeline WHERE kind = 'end'`,
	events: `SELECT count(*) AS n FROM timeline WHERE kind NOT IN ('header', 'flow', 'end')`,
};

/* sockscope's own flow summaries and end line, straight from the file. */
function ownSummaries(file) {
	const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
	return { flows: lines.filter((l) => l.kind === 'flow'), end: lines.find((l) => l.kind === 'end') };
}

const num = (v) => (typeof v === 'bigint' ? Number(v) : v);
function rows(result) {
	return result.getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)])));
}

function compare(name, what, got, want) {
	const g = JSON.stringify(got), w = JSON.stringify(want);
	if (g === w) { passed++; return; }
	failed++;
	console.log(`FAIL analytics ${name}: ${what}\n  duckdb:    ${g.slice(0, 400)}\n  sockscope: ${w.slice(0, 400)}`);
}

async function checkCapture(conn, pcap) {
	const name = basename(pcap), file = join(TMP, name + '.jsonl');
	execFileSync(BIN, ['trace', '-q', '-r', pcap, '--format', 'jsonl', '-o', file]);
	const own = ownSummaries(file);
	await conn.run(SQL.view(file));

	const packets = rows(await conn.runAndReadAll(SQL.packets));
	const wantPackets = own.flows.map((f) => ({ flow: f.id, packets: f.packets, packets_c2s: f.packets_c2s, packets_s2c: f.packets_s2c }))
		.sort((a, b) => a.flow - b.flow);
	compare(name, 'packets per flow', packets, wantPackets);

	const flags = rows(await conn.runAndReadAll(SQL.flags));
	const wantFlags = own.flows.flatMap((f) => Object.entries(f.analysis).map(([flag, n]) => ({ flow: f.id, flag, n })))
		.sort((a, b) => a.flow - b.flow || (a.flag < b.flag ? -1 : a.flag > b.flag ? 1 : 0));
	compare(name, 'analysis flags per flow', flags, wantFlags);

	const [end] = rows(await conn.runAndReadAll(SQL.end));
	const [events] = rows(await conn.runAndReadAll(SQL.events));
	compare(name, 'end line counts', { ...end, events: events.n },
		{ event_count: own.end.event_count, flow_count: own.flows.length, packets: own.end.source.packets, events: own.end.event_count });
	return flags.length;
}

try {
	const db = await DuckDBInstance.create(':memory:');
	const conn = await db.connect();
	let flagRows = 0;
	for (const pcap of captures()) flagRows += await checkCapture(conn, pcap);
	/* a comparison of empty tables proves nothing: the captures must raise flags */
	if (flagRows >= 20) passed++;
	else { failed++; console.log(`FAIL analytics: only ${flagRows} (flow, flag) rows over all captures`); }
} catch (err) {
	failed++;
	console.log(`FAIL analytics: ${err.stack || err}`);
} finally {
	rmSync(TMP, { recursive: true, force: true });
}
console.log(`analytics: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
