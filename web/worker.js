/* sockscope viewer: a big timeline read in a Web Worker.
 *
 * A timeline of more than PROBE_BYTES is read off the page's thread: the page
 * hands its text (File.stream(), the fetch's body, a report's pieces) to a
 * worker a chunk at a time, and the worker runs the same reader, model and
 * derive as the page does for a small one (the modules registered with
 * Sockscope.module, run again from their source: a worker made from a Blob
 * URL, so that a report opened from disk has one too).  The worker keeps the
 * events (slim ones for a big file, as the page would: preload.js), builds the
 * whole model, and sends its typed arrays back; the page holds no event.
 *
 * Sockscope.remoteModel's events are fetched when a view reads them: reading
 * model.events[i] gives the event if it is here, else a stand-in made from the
 * typed arrays ({kind, t, flow}), and asks for it; main.js draws
 * again when the answer comes (Sockscope.remoteFetch), and reads a slim one in
 * full from its file as it does for a page-read one.  The filter runs in the
 * worker, over its events.
 */
(function (S) {
	'use strict';

	var PROBE_BYTES = 2 * 1024 * 1024;   /* smaller timelines are read on the page */
	var IN_FLIGHT = 8;                   /* chunks handed over and not yet read */
	var ASK_MAX = 2000;                  /* events asked for at once */

	/* ---- the worker's side (runs in the worker, from this function's source) ---- */

	function workerMain(S) {
		var parser = null, decoder = null, model = null, first = 200, headSent = false, shownAt = 0;

		function post(msg, transfer) { self.postMessage(msg, transfer || []); }

		function start(msg) {
			parser = new S.TimelineParser(msg.slim);
			first = msg.first || 200;
			parser.pauseAt = first;
			decoder = new TextDecoder('utf-8');
		}

		function chunk(data) {
			var text = typeof data === 'string' ? data : decoder.decode(data, { stream: true });
			if (!parser.problem && !parser.fatal && parser.feed(text) && !headSent) {
				sendHead();
				parser.feed('');
			}
			post({ op: 'ack' });
			if (parser.fatal) return;
			var n = parser.events ? parser.events.length : 0, now = performance.now();
			sendHead();
			if (now - shownAt > 100) { shownAt = now; post({ op: 'progress', n: n }); }
		}

		function sendHead() {
			if (headSent || !parser.head || !parser.events || parser.events.length < first) return;
			headSent = true;
			post({ op: 'head', doc: parser.firstDoc(first) });
		}

		function end() {
			var tail = decoder.decode();
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
			post({ op: 'done', pack: pack, problem: parser.problem },
				S.COLUMNS.map(function (c) { return pack[c].buffer; }));
		}

		/* Everything of the model but its events; the typed arrays are handed over. */
		function packModel(m, doc) {
			var head = {};
			Object.keys(doc).forEach(function (k) { if (k !== 'events' && k !== 'flows') head[k] = doc[k]; });
			var pack = { doc: head, hadFlows: Array.isArray(doc.flows), count: m.count, hidden: m.hidden,
				duration: m.duration, lanes: m.lanes, lanePosition: m.lanePosition, flows: m.flows,
				states: m.states, samples: S.kernelSamples(doc) };
			S.COLUMNS.forEach(function (c) { pack[c] = m[c]; });
			return pack;
		}

		function events(msg) {
			var list = [];
			for (var k = 0; k < msg.ids.length; k++) {
				var i = msg.ids[k];
				list.push(model && i >= 0 && i < model.count ? model.events[i] : null);
			}
			post({ op: 'events', ids: msg.ids, list: list });
		}

		function match(msg) {
			var hits = model ? S.matchRows(model, msg.query) : null;
			post({ op: 'match', query: msg.query, hits: hits }, hits ? [hits.buffer] : []);
		}

		var ops = { start: start, chunk: function (m) { chunk(m.data); }, end: end, events: events, match: match };
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

	/* Reads chunks from next() until PROBE_BYTES or the end: {chunks, ended}. */
	S.probeTimeline = function (next) {
		var chunks = [], bytes = 0;
		function more() {
			return next().then(function (chunk) {
				if (chunk === null) return { chunks: chunks, ended: true };
				chunks.push(chunk);
				bytes += chunk.length;
				return bytes >= PROBE_BYTES ? { chunks: chunks, ended: false } : more();
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
	S.readInWorker = function (next, handlers, firstBatch, job) {
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
		worker.postMessage({ op: 'start', first: firstBatch, slim: job.slim });
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

	var KIND_NAMES = Object.keys(S.KIND).sort(function (a, b) { return S.KIND[a] - S.KIND[b]; });

	/* A stand-in for an event not here yet: what the typed arrays know. */
	function stub(m, i) {
		var ev = { kind: KIND_NAMES[m.kind[i]], t: m.t[i], label: '…', analysis: [] };
		if (m.flow[i] >= 0) ev.flow = m.flow[i];
		return ev;
	}

	/* The model the worker built (pack), its events asked for as they are read;
	 * changed(what, ids) is called when the worker answers ('events' or 'match'). */
	S.remoteModel = function (pack, worker, changed) {
		var m = { doc: pack.doc, count: pack.count, hidden: pack.hidden, duration: pack.duration,
			lanes: pack.lanes, lanePosition: pack.lanePosition, flows: pack.flows, states: pack.states,
			derived: true, version: 0, remote: { worker: worker, asked: new Set(), missing: new Set(),
				hits: null, query: null, pending: null } };
		S.COLUMNS.forEach(function (c) { m[c] = pack[c]; });
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
		worker.onmessage = function (e) { answer(m, e.data, changed); };
		S.kernelAdopt(m.doc, pack.samples || []);
		return m;
	};

	function answer(m, msg, changed) {
		var r = m.remote;
		if (msg.op === 'events') {
			for (var k = 0; k < msg.ids.length; k++) {
				var i = msg.ids[k];
				if (msg.list[k] && m.have[i] === undefined) m.have[i] = msg.list[k];
			}
			changed('events', msg.ids);
		} else if (msg.op === 'match') {
			r.hits = msg.hits;
			r.query = msg.query;
			r.pending = null;
			changed('match');
		}
	}

	/* Asks the worker for the events views read and did not have. */
	S.remoteFetch = function (m) {
		var r = m.remote;
		if (!r.missing.size) return;
		var ids = [];
		r.missing.forEach(function (i) {
			if (ids.length < ASK_MAX && !r.asked.has(i)) { ids.push(i); r.asked.add(i); }
		});
		r.missing.clear();
		if (ids.length) r.worker.postMessage({ op: 'events', ids: ids });
	};

	/* The filter's matches: from the worker, once it has answered for this query. */
	S.remoteMatch = function (m, query) {
		var r = m.remote, q = String(query || '');
		if (!q.trim()) return null;
		if (r.query === q) return r.hits;
		if (r.pending !== q) {
			r.pending = q;
			r.worker.postMessage({ op: 'match', query: q });
		}
		return new Uint8Array(m.count);   /* nothing yet: the answer redraws */
	};
})(window.Sockscope = window.Sockscope || {});
