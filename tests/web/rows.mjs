// Tests of web/rows.js without a browser: the viewer's modules that need no DOM
// run in a Node vm, as a Web Worker runs them.  A timeline read through rows must
// give the same model as the same timeline parsed whole with JSON.parse; a row's
// columns and stand-in must say what its line says; a line that is not exactly
// sockscope's layout, or not valid JSON, must not become a row.  Registered by
// run.mjs.

import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';
import vm from 'node:vm';

/* Values from the vm's realm compared with this one's: as JSON, members in order. */
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const SHARED = ['preload.js', 'rows.js', 'model.js', 'derive.js', 'kernel.js'];

/* The viewer's DOM-free modules in a fresh context: its Sockscope. */
function viewer(web) {
	const ctx = { console, performance, TextDecoder, URLSearchParams, location: { search: '' }, document: { currentScript: null } };
	ctx.window = ctx;
	ctx.self = ctx;
	ctx.Sockscope = { dom: {} };
	vm.createContext(ctx);
	for (const f of SHARED) vm.runInContext(readFileSync(join(web, f), 'utf8'), ctx, { filename: f });
	return ctx.Sockscope;
}

/* The model of a timeline's text, read as the page reads it (rows), in chunks. */
function readModel(S, text, slim) {
	const p = new S.TimelineParser(slim);
	for (let i = 0; i < text.length; i += 65536) p.feed(text.slice(i, i + 65536));
	p.finish();
	if (p.fatal || p.problem) throw new Error('reading stopped: ' + (p.fatal || p.problem));
	return { model: S.derive(S.createModel(S.kernelPrepare(p.doc(true)))), rows: p.rows };
}

/* The same timeline as plain objects: every line parsed whole. */
function plainModel(S, text) {
	let doc;
	if (text.startsWith('{"kind":"header"')) {
		const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
		const end = lines.find((l) => l.kind === 'end');
		doc = { schema: lines[0].schema, glossary: lines[0].glossary, demo: lines[0].demo, source: end.source,
			endpoints: end.endpoints, events: lines.filter((l) => !['header', 'flow', 'end'].includes(l.kind)),
			flows: lines.filter((l) => l.kind === 'flow').map(({ kind, ...f }) => f) };
		if (doc.demo === undefined) delete doc.demo;
	} else {
		doc = JSON.parse(text);
	}
	return S.derive(S.createModel(S.kernelPrepare(doc)));
}

const COLUMNS = ['t', 'kind', 'cls', 'proto', 'flagged', 'flow', 'src', 'dst', 'lost', 'resend', 'resentBy', 'start', 'callFd'];

function sameModel(a, b, what, equal, assert) {
	equal(a.count, b.count, what + ': events');
	for (const c of COLUMNS) {
		const i = a[c].findIndex((v, k) => !Object.is(v, b[c][k]));
		assert(i < 0, `${what}: ${c}[${i}] is ${a[c][i]} read through rows, ${b[c] ? b[c][i] : '?'} parsed whole`);
	}
	assert(same(a.lanes, b.lanes), what + ': lanes');
	assert(same([...a.states], [...b.states]), what + ': state marks');
}

/* What a row keeps, checked against its line parsed whole. */
function checkRow(rows, r, line, what, assert) {
	const v = JSON.parse(line), tcp = v.tcp;
	const want = { t: v.t, frame: v.frame, flow: v.flow, dir: v.dir === 's2c' ? 1 : 0, seq: tcp.seq, len: tcp.len,
		plen: v.payload ? v.payload.len : tcp.len };
	for (const k of Object.keys(want)) assert(rows[k][r] === want[k], `${what}: ${k} ${rows[k][r]}, the line says ${want[k]}`);
	assert(same(rows.endpoints.values[rows.src[r]], v.src), what + ': src');
	assert(same(rows.endpoints.values[rows.dst[r]], v.dst), what + ': dst');
	assert(same(rows.flagSets.values[rows.flags[r]], tcp.flags), what + ': flags');
	assert(same(rows.states.values[rows.state[r]], v.state), what + ': state');
	assert(rows.label[r] === v.label, what + ': label');
}

/* A big file's stand-in: every member it has is the line's, and it lacks only what
 * the page reads from the file when the event is selected. */
function checkStandIn(ev, line, what, assert) {
	const v = JSON.parse(line);
	for (const k of Object.keys(ev)) {
		if (k === '_at' || k === '_len') continue;
		if (k === 'tcp' || k === 'rtt') {
			for (const f of Object.keys(ev[k])) assert(same(ev[k][f], v[k][f]), `${what}: ${k}.${f}`);
		} else {
			assert(same(ev[k], v[k]), `${what}: ${k} ${JSON.stringify(ev[k])}, the line says ${JSON.stringify(v[k])}`);
		}
	}
	for (const k of ['kind', 't', 'frame', 'flow', 'dir', 'src', 'dst', 'tcp', 'state', 'analysis', 'label'])
		assert(k in ev, `${what}: the stand-in has no ${k}`);
}

/* Every TCP packet line of a text: the event lines of a document or JSON Lines. */
function packetLines(text) {
	return text.split('\n').map((l) => l.replace(/,$/, '')).filter((l) => l.startsWith('{"kind":"packet"') && l.includes('"tcp":{'));
}

/* A report's pieces of one class (src/timeline/report.c), inflated: the text they hold. */
function reportPieces(page, what) {
	const re = new RegExp(`<script type="application/octet-stream" class="sockscope-${what}" data-encoding="deflate-raw;base64">([^<]*)</script>`, 'g');
	const b64 = [...page.matchAll(re)].map((m) => m[1]).join('');
	return b64 ? inflateRawSync(Buffer.from(b64, 'base64')).toString('utf8') : null;
}

/* A timeline read as a report's page reads it: as bytes, in chunks of `size` (a line
 * may span several); the first screen's events before the rows come (no row made),
 * then the rows given, then the rest. */
function readWithRows(S, text, given, size = 65536) {
	const p = new S.TimelineParser(false, true), bytes = new TextEncoder().encode(text);
	const drain = (chunk) => { for (let more = p.feedBytes(chunk); more;) more = p.feedBytes(null); };
	p.pauseAt = 60;
	let i = 0;
	while (i < bytes.length && p.events.length < 60) {
		/* as the page: the reading pauses at the first screen's events, mid-chunk */
		if (p.feedBytes(bytes.subarray(i, i + size))) { i += size; break; }
		i += size;
	}
	const before = p.events.length;
	p.give(given);
	drain(null);
	for (; i < bytes.length; i += size) drain(bytes.subarray(i, i + size));
	p.bytesLeft();
	p.finish();
	if (p.fatal || p.problem) throw new Error('reading stopped: ' + (p.fatal || p.problem));
	return { model: S.derive(S.createModel(S.kernelPrepare(p.doc(true)))), before };
}

export function register({ test, assert, equal, ROOT, TMP, SOCKSCOPE, timeline }) {
	const web = join(ROOT, 'web');
	const corpus = () => {
		const files = [];
		for (const dir of ['tests/golden', 'captures']) {
			const d = join(ROOT, dir);
			if (existsSync(d)) for (const f of readdirSync(d)) if (f.endsWith('.json')) files.push(join(d, f));
		}
		return files;
	};

	test('rows: every timeline gives the same model read through rows as parsed whole', async () => {
		const S = viewer(web);
		const files = corpus().concat([timeline(100000, 'jsonl'), timeline(100000, 'json')]);
		let taken = 0;
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			if (!text.startsWith('{"schema"') && !text.startsWith('{"kind":"header"')) continue;
			const { model, rows } = readModel(S, text, false);
			sameModel(model, plainModel(S, text), file.slice(ROOT.length + 1), equal, assert);
			taken += rows.n;
		}
		assert(taken > 100000, 'rows taken: ' + taken);
		console.log(`    rows: ${files.length} timelines, ${taken} packets read as rows, models equal`);
	});

	test('rows: each row and stand-in says what its line says; every unflagged, untunnelled TCP packet sockscope writes is a row', async () => {
		const S = viewer(web);
		let n = 0;
		for (const file of corpus().concat([timeline(100000, 'jsonl')])) {
			const rows = new S.Rows(false);
			for (const line of packetLines(readFileSync(file, 'utf8'))) {
				const v = JSON.parse(line), what = `${file.slice(ROOT.length + 1)} frame ${v.frame}`;
				const r = rows.read(line, 0, line.length);
				/* tunnelled packets (encap) are left to JSON.parse: the stand-in would lose their layers */
				const flagged = v.analysis.length > 0, tunnelled = 'encap' in v;
				assert(r >= 0 || flagged || tunnelled, what + ': an unflagged packet was not read as a row');
				assert(r < 0 || !tunnelled, what + ': a tunnelled packet was read as a row');
				assert(r < 0 || !flagged, what + ': a flagged packet was read as a row');
				if (r < 0) continue;
				checkRow(rows, r, line, what, assert);
				checkStandIn(rows.event(r), line, what, assert);
				n++;
			}
		}
		console.log(`    rows: ${n} rows checked against their lines`);
	});

	test('rows: a line not exactly as sockscope writes it, or not JSON, is left to JSON.parse', async () => {
		const S = viewer(web);
		const line = packetLines(readFileSync(timeline(100000, 'jsonl'), 'utf8')).find((l) => l.includes('"payload":'));
		assert(line, 'a data packet');
		const rows = new S.Rows(true);
		assert(rows.read(line, 0, 0) >= 0, 'the line itself is a row');
		const broken = {
			'cut short': line.slice(0, -1),
			'cut in the explanation': line.slice(0, line.indexOf('"detail":') + 20),
			'trailing text': line + 'x',
			'bad escape in the explanation': line.replace('"detail":"', '"detail":"\\x'),
			'raw control character': line.replace('"detail":"', '"detail":"\u0001'),
			'escape in the label': line.replace('"label":"', '"label":"\\u0041'),
			'number with a leading zero': line.replace(/"seq":(\d+)/, '"seq":0$1'),
			'flow past 2^31': line.replace(/"flow":\d+/, '"flow":9999999999'),
			'unknown member': line.replace('"label":', '"extra":1,"label":'),
			'members out of order': line.replace(/"t":([\d.]+),"ts":("[^"]*")/, '"ts":$2,"t":$1'),
			'an analysis flag': line.replace('"analysis":[]', '"analysis":["retransmission"]'),
			'duplicate member': line.replace('"label":', '"label":"a","label":'),
			'a different kind': line.replace('"kind":"packet"', '"kind":"packets"'),
			'not an object': '[' + line + ']'
		};
		for (const [what, text] of Object.entries(broken))
			equal(rows.read(text, 0, 0), -1, what);
		/* what JSON.parse accepts must read the same as a row: escapes in kept strings are left to it */
		const escaped = line.replace(/"addr":"([^"]*)"/, '"addr":"\\u0031$1"');
		let same = null;
		try { same = JSON.parse(escaped); } catch (e) { same = null; }
		assert(same, 'escaped address is JSON');
		const r = rows.read(escaped, 0, 0);
		if (r >= 0) equal(rows.endpoints.values[rows.src[r]].addr, same.src.addr, 'escaped address read');
	});

	test('rows: a big file keeps no line; its events are stand-ins that name their place in the file', async () => {
		const S = viewer(web);
		const text = readFileSync(timeline(100000, 'jsonl'), 'utf8');
		const { model, rows } = readModel(S, text, true);
		equal(rows.line.length, 0, 'lines kept');
		const i = model.list.findIndex((v) => typeof v === 'number');
		const ev = model.events[i];
		const line = text.slice(ev._at, ev._at + ev._len);
		equal(JSON.parse(line).frame, ev.frame, 'the stand-in names its line');
		checkStandIn(ev, line, 'event ' + i, assert);
		sameModel(model, plainModel(S, text), 'slim', equal, assert);
	});

	test('rows: a report\'s rows (sockscope report) give every row the expression finds, with its line\'s values, and the same model', async () => {
		const S = viewer(web);
		let rowsIn = 0, files = 0;
		for (const file of corpus().concat([timeline(100000, 'json')])) {
			const text = readFileSync(file, 'utf8');
			if (!text.startsWith('{"schema"')) continue;
			const what = file.slice(ROOT.length + 1), out = join(TMP, 'rows-report.html');
			execFileSync(SOCKSCOPE, ['report', '-j', file, '-o', out]);
			const page = readFileSync(out, 'utf8');
			equal(reportPieces(page, 'timeline'), text, what + ': the report\'s timeline');
			const rowsText = reportPieces(page, 'rows');
			/* every packet the expression makes a row of, the report's rows give too */
			const byRegex = new S.Rows(true), lines = packetLines(text);
			const regexRows = lines.filter((l) => byRegex.read(l, 0, l.length) >= 0).length;
			if (!rowsText) { equal(regexRows, 0, what + ': rows the report does not give'); continue; }
			const given = S.Rows.fromReport(JSON.parse(rowsText));
			equal(given.at.length, regexRows, what + ': rows given, rows the expression finds');
			/* the 100k timeline in chunks of 1,000 bytes: most lines span two or more */
			const { model, before } = readWithRows(S, text, given, text.length > 1e8 ? 1000 : 65536);
			sameModel(model, plainModel(S, text), what + ' (report rows)', equal, assert);
			const events = text.split('\n');
			const first = events.indexOf('"events":[') + 1;
			for (let r = 0; r < given.at.length; r += Math.max(1, Math.floor(given.at.length / 500))) {
				const line = events[first + given.at[r]].replace(/,$/, '');
				if (given.at[r] >= before) {
					equal(given.rows.bytesText(r), line, `${what} row ${r}: its line`);
					assert(same(given.rows.event(r), JSON.parse(line)), `${what} row ${r}: its event`);
				}
				const v = JSON.parse(line), tcp = v.tcp, rows = given.rows;
				const want = { t: v.t, frame: v.frame, flow: v.flow, dir: v.dir === 's2c' ? 1 : 0, seq: tcp.seq,
					plen: v.payload ? v.payload.len : tcp.len, size: Buffer.byteLength(line) };
				for (const k of Object.keys(want)) assert(rows[k][r] === want[k], `${what} row ${r}: ${k} ${rows[k][r]}, the line says ${want[k]}`);
				assert(same(rows.endpoints.values[rows.src[r]], v.src) && same(rows.endpoints.values[rows.dst[r]], v.dst), what + ': endpoints');
				assert(same(rows.flagSets.values[rows.flags[r]], tcp.flags) && same(rows.states.values[rows.state[r]], v.state), what + ': flags, state');
			}
			rowsIn += given.at.length;
			files++;
		}
		assert(rowsIn > 100000, 'rows given: ' + rowsIn);
		console.log(`    report rows: ${files} reports, ${rowsIn} rows given, each as the expression reads it, models equal`);
	});

	test('rows: a report\'s rows that do not match its timeline stop the reading there, saying so', async () => {
		const S = viewer(web);
		const text = readFileSync(timeline(100000, 'json'), 'utf8');
		const out = join(TMP, 'rows-bad.html');
		execFileSync(SOCKSCOPE, ['report', '-j', timeline(100000, 'json'), '-o', out]);
		const v = JSON.parse(reportPieces(readFileSync(out, 'utf8'), 'rows'));
		v.frame[500] += 1;     /* row 500's frame, and every later one, off by one */
		let problem = null;
		try { readWithRows(S, text, S.Rows.fromReport(v)); } catch (e) { problem = e.message; }
		assert(/is not the packet the report's rows give for event/.test(problem || ''), 'problem: ' + problem);
		v.frame[500] -= 1;
		for (const d of [1, -1, 2000]) {       /* row 700's length wrong: longer, shorter, past its next line */
			v.size[700] += d;
			problem = null;
			try { readWithRows(S, text, S.Rows.fromReport(v)); } catch (e) { problem = e.message; }
			assert(/line \d+ is not the packet the report's rows give for event/.test(problem || ''), `size ${d}: ` + problem);
			v.size[700] -= d;
		}
		v.frame[500] += 1;
		/* the rows of 100,000 events given to a document of its first 2,000 lines: reading
		 * says the timeline held fewer packets than the rows give */
		v.frame[500] -= 1;
		const short = text.split('\n').slice(0, 2000).join('\n').replace(/,$/, '') + '\n]}\n';
		problem = null;
		try { readWithRows(S, short, S.Rows.fromReport(v)); } catch (e) { problem = e.message; }
		assert(/the report's rows give \d+ packets, its timeline held \d+ of them/.test(problem || ''), 'problem: ' + problem);
		for (const [what, bad] of [['a row past the events', { ...v, events: 10 }], ['an endpoint id past its table', { ...v, src: v.src.map(() => 99999) }],
			['a column cut', { ...v, seq: v.seq.slice(1) }], ['another schema', { ...v, schema: 'sockscope.rows/2' }]]) {
			let threw = null;
			try { S.Rows.fromReport(bad); } catch (e) { threw = e.message; }
			assert(threw && /the report's rows/.test(threw), what + ': ' + threw);
		}
	});
}
