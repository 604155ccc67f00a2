/* sockscope viewer: a big timeline read in a Web Worker.
 *
 * A timeline of more than PROBE_BYTES is read off the page's thread: the page
 * hands its text (File.stream(), the fetch's body, a report's pieces) to a
 * worker a chunk at a time, and the worker runs the same reader, model and
 * derive as the page does for a small one (the modules registered with
 * Sockscope.module, run again from their source: a worker made from a Blob
 * URL, so that a report opened from disk has one too).  The worker parses each
 * event without its explanation (the prose is most of a line), builds the whole
 * model, and sends its typed arrays back; the page then holds no event at all.
 *
 * Sockscope.remoteModel's events are fetched when a view reads them: reading
 * model.events[i] gives the event if it is here, else a stand-in made from the
 * typed arrays ({kind, t, flow, _stub: true}), and asks for it; main.js draws
 * again when the answer comes (Sockscope.remoteFetch).  The event shown in the
 * details is read again in full: from the File, or from the text the worker
 * keeps (up to KEEP_TEXT characters; past that, a note says the explanation
 * was not kept).  The filter runs in the worker over its events.
 */
(function (S) {
	'use strict';

	var PROBE_BYTES = 2 * 1024 * 1024;   /* smaller timelines are read on the page */
	var IN_FLIGHT = 8;                   /* chunks handed over and not yet read */
	var ASK_MAX = 2000;                  /* events asked for at once */

	/* ---- the worker's side (runs in the worker, from this function's source) ---- */

	function workerMain(S) {
		var KEEP_TEXT = 300 * 1024 * 1024;
		var parser = null, decoder = null, file = null, model = null, first = 200, headSent = false;
		var texts = [], textAt = [], textLen = 0, keepText = true, bytes = 0, shownAt = 0;

		function post(msg, transfer) { self.postMessage(msg, transfer || []); }

		function keep(text) {
			if (file || !keepText) return;
			if (textLen + text.length > KEEP_TEXT) { keepText = false; texts = []; textAt = []; return; }
			textAt.push(textLen);
			texts.push(text);
			textLen += text.length;
		}

		function start(msg) {
			parser = new S.TimelineParser(false);
			parser.cut = true;
			parser.cutAfter = first = msg.first || 200;
			decoder = new TextDecoder('utf-8');
			file = msg.file || null;
		}

		function chunk(data) {
			var text = typeof data === 'string' ? data : decoder.decode(data, { stream: true });
			bytes += typeof data === 'string' ? data.length : data.byteLength;
			keep(text);
			if (!parser.problem && !parser.fatal) parser.feed(text);
			post({ op: 'ack' });
			if (parser.fatal) return;
			var n = parser.events ? parser.events.length : 0, now = performance.now();
			if (!headSent && parser.head && n >= first) {
				headSent = true;
				var doc = parser.doc(false);
				doc.events = parser.events.slice(0, n);
				post({ op: 'head', doc: doc });
			}
			if (now - shownAt > 100) { shownAt = now; post({ op: 'progress', n: n, bytes: bytes }); }
		}

		function end() {
			var tail = decoder.decode();
			keep(tail);
			if (!parser.problem && !parser.fatal) parser.feed(tail);
			parser.finish();
			if (parser.fatal) return post({ op: 'fail', message: parser.fatal });
			var doc = parser.doc(true), pack;
			try {
				S.kernelPrepare(doc);
				model = S.derive(S.createModel(doc));
				pack = packModel(model, doc);
			} catch (e) {
				return post({ op: 'fail', message: e.message });
			}
			post({ op: 'done', pack: pack, problem: parser.problem }, pack.buffers);
			delete pack.buffers;
		}

		var COLUMNS = ['t', 'kind', 'cls', 'proto', 'flagged', 'flow', 'src', 'dst',
			'lost', 'resend', 'resentBy', 'start', 'callFd'];

		/* Everything of the model but its events; the typed arrays are handed over. */
		function packModel(m, doc) {
			var head = {};
			Object.keys(doc).forEach(function (k) { if (k !== 'events' && k !== 'flows') head[k] = doc[k]; });
			var pack = { doc: head, hadFlows: Array.isArray(doc.flows), count: m.count, hidden: m.hidden,
				duration: m.duration, lanes: m.lanes, lanePosition: m.lanePosition, flows: m.flows,
				states: m.states, samples: S.kernelSamples(doc), buffers: [] };
			COLUMNS.forEach(function (c) {
				pack[c] = m[c];
				pack.buffers.push(m[c].buffer);
			});
			return pack;
		}

		/* The text between two offsets of what was read, or null if it was not kept. */
		function keptText(at, len) {
			if (!keepText || !texts.length) return null;
			var lo = 0, hi = textAt.length - 1;
			while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (textAt[mid] <= at) lo = mid; else hi = mid - 1; }
			var out = '', need = len, k = lo, from = at - textAt[lo];
			while (need > 0 && k < texts.length) {
				var piece = texts[k].slice(from, from + need);
				out += piece;
				need -= piece.length;
				k++;
				from = 0;
			}
			return need > 0 ? null : out;
		}

		/* Event i with its explanation: read again from where it was. */
		function full(msg) {
			var i = msg.i, ev = model && i >= 0 && i < model.count ? model.events[i] : null;
			function answer(v, note) { post({ op: 'full', req: msg.req, i: i, ev: v, note: note || null }); }
			if (!ev || !parser.wasCut[i]) return answer(ev);
			if (file) {
				return S.readFullEvent(file, ev, parser.at[i], parser.len[i]).then(function (v) {
					answer(v || ev, v ? null : 'its explanation could not be read again from the file');
				}, function () { answer(ev, 'its explanation could not be read again from the file'); });
			}
			var kept = keptText(parser.at[i], parser.len[i]), v = kept === null ? null : S.fullEvent(kept, ev);
			answer(v || ev, v ? null : 'the timeline is too big for its explanations to be kept: open it as a file to read them');
		}

		function events(msg) {
			var list = [];
			for (var k = 0; k < msg.ids.length; k++) {
				var i = msg.ids[k];
				list.push(model && i >= 0 && i < model.count ? model.events[i] : null);
			}
			post({ op: 'events', req: msg.req, ids: msg.ids, list: list });
		}

		function match(msg) {
			var hits = model ? S.matchRows(model, msg.query) : null;
			post({ op: 'match', req: msg.req, query: msg.query, hits: hits }, hits ? [hits.buffer] : []);
		}

		var ops = { start: start, chunk: function (m) { chunk(m.data); }, end: end, full: full, events: events, match: match };
		self.onmessage = function (e) {
			var msg = e.data;
			try {
				if (msg && ops[msg.op]) ops[msg.op](msg);
			} catch (err) {
				post({ op: 'fail', message: 'Reading stopped: ' + (err && err.message ? err.message : String(err)) });
			}
		};
	}

	/* ---- the page's side ---- */

	var workerUrl = null;

	function workerSource() {
		return "'use strict';\nvar window = self;\n" +
			'self.Sockscope = { dom: {}, shared: [], module: function (fn) { fn(self.Sockscope); } };\n' +
			S.shared.map(function (fn) { return 'Sockscope.module(' + fn.toString() + ');\n'; }).join('') +
			'(' + workerMain.toString() + ')(self.Sockscope);\n';
	}

	/* A worker, or null where the browser has none or refuses one. */
	function newWorker() {
		if (typeof Worker !== 'function' || typeof Blob !== 'function' || !URL.createObjectURL) return null;
		try {
			if (!workerUrl) workerUrl = URL.createObjectURL(new Blob([workerSource()], { type: 'text/javascript' }));
			return new Worker(workerUrl);
		} catch (e) {
			return null;
		}
	}

	/* Reads chunks from next() until PROBE_BYTES or the end: {chunks, ended, bytes}. */
	S.probeTimeline = function (next) {
		var chunks = [], bytes = 0;
		function more() {
			return next().then(function (chunk) {
				if (chunk === null) return { chunks: chunks, ended: true, bytes: bytes };
				chunks.push(chunk);
				bytes += chunk.length;
				return bytes >= PROBE_BYTES ? { chunks: chunks, ended: false, bytes: bytes } : more();
			});
		}
		return more();
	};

	/* The chunks read by the probe, then the rest of next(). */
	S.replayChunks = function (probe, next) {
		var i = 0;
		return function () {
			if (i < probe.chunks.length) return Promise.resolve(probe.chunks[i++]);
			return probe.ended ? Promise.resolve(null) : next();
		};
	};

	/*
	 * Reads the timeline in a worker: as Sockscope.readTimeline, but done(pack,
	 * problem) hands over a model built in the worker (Sockscope.remoteModel).
	 * Returns false, having read nothing, when there is no worker.
	 */
	S.readInWorker = function (next, handlers, firstBatch, job, file) {
		var worker = newWorker();
		if (!worker) return false;
		var waiting = 0, wake = null, failed = false, bytes = 0;
		job.worker = worker;
		worker.onmessage = function (e) {
			var msg = e.data;
			if (job.cancelled) return;
			if (msg.op === 'ack') { waiting--; if (wake) { var w = wake; wake = null; w(); } }
			else if (msg.op === 'head') handlers.head(msg.doc);
			else if (msg.op === 'progress') handlers.progress(msg.n, bytes);
			else if (msg.op === 'done') handlers.done(msg.pack, msg.problem, worker);
			else if (msg.op === 'fail') { failed = true; handlers.fail(msg.message); }
		};
		worker.onerror = function (e) {
			if (job.cancelled || failed) return;
			failed = true;
			handlers.fail('The page could not read this timeline in the background: ' + (e.message || 'the worker stopped'));
		};
		worker.postMessage({ op: 'start', first: firstBatch, file: file || null });
		function send(chunk) {
			bytes += chunk.length;
			waiting++;
			if (typeof chunk !== 'string' && chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength)
				worker.postMessage({ op: 'chunk', data: chunk }, [chunk.buffer]);
			else
				worker.postMessage({ op: 'chunk', data: chunk });
		}
		function pump() {
			if (job.cancelled || failed) return Promise.resolve();
			if (waiting >= IN_FLIGHT) return new Promise(function (go) { wake = go; }).then(pump);
			return next().then(function (chunk) {
				if (job.cancelled || failed) return;
				if (chunk === null) { worker.postMessage({ op: 'end' }); return; }
				send(chunk);
				return pump();
			});
		}
		pump().catch(function (e) {
			if (!job.cancelled && !failed) { failed = true; handlers.fail(e && e.message ? e.message : String(e)); }
		});
		return true;
	};

	var KIND_NAMES = ['packet', 'app', 'note', 'kernel'];

	/* A stand-in for an event not here yet: what the typed arrays know. */
	function stub(m, i) {
		var ev = { kind: KIND_NAMES[m.kind[i]], t: m.t[i], label: '…', analysis: [], _stub: true };
		if (m.flow[i] >= 0) ev.flow = m.flow[i];
		return ev;
	}

	/* The model the worker built (pack), its events asked for as they are read. */
	S.remoteModel = function (pack, worker) {
		var m = { doc: pack.doc, count: pack.count, hidden: pack.hidden, duration: pack.duration,
			lanes: pack.lanes, lanePosition: pack.lanePosition, flows: pack.flows, states: pack.states,
			derived: true, version: 0, remote: { worker: worker, asked: new Set(), missing: new Set(), full: new Set(), req: 0,
				hits: null, query: null, notes: new Map() } };
		['t', 'kind', 'cls', 'proto', 'flagged', 'flow', 'src', 'dst', 'lost', 'resend', 'resentBy', 'start', 'callFd']
			.forEach(function (c) { m[c] = pack[c]; });
		m.flowById = Object.create(null);
		m.flows.forEach(function (f) { m.flowById[f.id] = f; });
		if (pack.hadFlows) m.doc.flows = m.flows;
		var have = new Array(m.count), missing = m.remote.missing;
		m.events = new Proxy(have, {
			get: function (target, key) {
				if (typeof key === 'string') {
					var c = key.charCodeAt(0);
					if (c >= 48 && c <= 57) {
						var i = +key, ev = target[i];
						if (ev !== undefined || !(i < m.count)) return ev;
						missing.add(i);
						return stub(m, i);
					}
				}
				return target[key];
			}
		});
		m.have = have;
		m.doc.events = m.events;
		worker.onmessage = function (e) { if (m.remote.answer) m.remote.answer(e.data); };
		S.kernelAdopt(m.doc, pack.samples || []);
		return m;
	};

	/* Asks the worker for the events views read and did not have, and for the
	 * selected one in full; changed(kind) is called when answers arrive. */
	S.remoteFetch = function (m, selected, changed) {
		var r = m.remote;
		r.answer = function (msg) {
			if (msg.op === 'events') {
				for (var k = 0; k < msg.ids.length; k++) {
					var i = msg.ids[k];
					if (msg.list[k] && !r.full.has(i)) m.have[i] = msg.list[k];
				}
				changed('events');
			} else if (msg.op === 'full') {
				if (msg.ev) m.have[msg.i] = msg.ev;
				if (msg.note) r.notes.set(msg.i, msg.note);
				changed('full', msg.i);
			} else if (msg.op === 'match') {
				r.hits = msg.hits;
				r.query = msg.query;
				r.pending = null;
				changed('match');
			}
		};
		if (selected >= 0 && selected < m.count && !r.full.has(selected)) {
			r.full.add(selected);
			r.worker.postMessage({ op: 'full', i: selected, req: ++r.req });
		}
		if (!r.missing.size) return;
		var ids = [];
		r.missing.forEach(function (i) {
			if (ids.length < ASK_MAX && !r.asked.has(i)) { ids.push(i); r.asked.add(i); }
		});
		r.missing.clear();
		if (ids.length) r.worker.postMessage({ op: 'events', ids: ids, req: ++r.req });
	};

	/* The filter's matches: from the worker, once it has answered for this query. */
	S.remoteMatch = function (m, query) {
		var r = m.remote, q = String(query || '');
		if (!q.trim()) return null;
		if (r.query === q) return r.hits;
		if (r.pending !== q) {
			r.pending = q;
			r.worker.postMessage({ op: 'match', query: q, req: ++r.req });
		}
		return new Uint8Array(m.count);   /* nothing yet: the answer redraws */
	};
})(window.Sockscope = window.Sockscope || {});
