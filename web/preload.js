/* sockscope viewer: the loading path.  Starts the ?src= request as early as
 * the page can, and reads a timeline as a stream, in either format.
 *
 * Loaded from <head>, so the request goes out before the body and the other
 * scripts are parsed; main.js takes Sockscope.preload.response when its src is
 * the page's.
 *
 * Sockscope.readTimeline(chunks, handlers) reads the timeline's text as it
 * arrives (File.stream() for a picked or dropped file, the fetch's body for
 * ?src=, the report's inline pieces), a line at a time:
 *   JSON Lines   {"kind":"header",...} then one event a line, flows, the end
 *   a document   as sockscope writes it: the head ({"schema":..,"demo":..,
 *                then "glossary":..), one event a line between "events":[
 *                and "],"; the rest (source, endpoints, flows) parsed at the end
 * Anything else (a document on one line, pretty-printed) is parsed whole at
 * the end.  Events are handed over in batches as they are parsed, so the page
 * can draw the first screen long before the last byte; the work is cut into
 * slices of about SLICE_MS so that the page answers keys and clicks meanwhile.
 * A line that is not JSON, or a file cut short, ends the reading with what was
 * read and a `problem` saying where and why.
 */
/* Modules that need no DOM (the reader, the model, derive, the filter's matcher,
 * the kernel's preparation) register here: each runs at once on the page, and
 * worker.js runs the same functions again in a Web Worker, from their source. */
(function (S) {
	'use strict';
	S.shared = S.shared || [];
	S.module = function (fn, shared) {
		if (shared) S.shared.push(fn);
		fn(S);
	};
})(window.Sockscope = window.Sockscope || {});

/* The early requests: the page's only, never a worker's (worker.js). */
(function (S) {
	'use strict';

	/* The scripts index.html loads after this one, in its order (a test checks). */
	S.PAGE_SCRIPTS = ['rows.js', 'model.js', 'derive.js', 'sniff.js', 'dom.js', 'hyper.js', 'ladder.js', 'list.js',
		'details.js', 'flows.js', 'stevens.js', 'kernel.js', 'states.js', 'teach.js', 'filter.js',
		'follow.js', 'worker.js', 'main.js'];

	var src = new URLSearchParams(location.search).get('src');
	if (src && location.protocol !== 'file:' && typeof fetch === 'function') {
		var response = fetch(src);
		response.catch(function () { /* main.js reports it */ });
		S.preload = { src: src, response: response };
	}

	/* The page's other scripts, asked for now, all at once: with the page's
	 * Content-Security-Policy <meta>, Chromium's preload scanner leaves them to the
	 * parser, which asks for one only once the one before has run.  (A report has
	 * its scripts inline: no preload.js file, nothing to ask for.) */
	var here = document.currentScript && document.currentScript.src;
	if (here && document.head) {
		S.PAGE_SCRIPTS.forEach(function (name) {
			var link = document.createElement('link');
			link.rel = 'preload';
			link.as = 'script';
			link.href = new URL(name, here).href;
			document.head.appendChild(link);
		});
	}
})(window.Sockscope);

Sockscope.module(function (S) {
	'use strict';

	var SLICE_MS = 30;

	/* ---- chunk sources: each an async next() -> string | Uint8Array | null ---- */

	function readerChunks(stream) {
		var reader = stream.getReader();
		return function () {
			return reader.read().then(function (r) { return r.done ? null : r.value; });
		};
	}

	S.fileChunks = function (file) {
		if (file.stream) return readerChunks(file.stream());
		var done = false;   /* no File.stream(): the whole text at once */
		return function () {
			if (done) return Promise.resolve(null);
			done = true;
			return file.text();
		};
	};

	S.responseChunks = function (r) {
		if (!r.ok) throw new Error('HTTP ' + r.status);
		return r.body && r.body.getReader ? readerChunks(r.body) : (function () {
			var done = false;
			return function () {
				if (done) return Promise.resolve(null);
				done = true;
				return r.text();
			};
		})();
	};

	S.textChunks = function (pieces) {
		var i = 0;
		return function () { return Promise.resolve(i < pieces.length ? pieces[i++] : null); };
	};

	/* The report's timeline (src/timeline/report.c): pieces, one element each, after
	 * the page's scripts, so that they can be read while the browser is still
	 * parsing the rest of the page.  A piece is whole once the parser has gone
	 * past it (it has a next sibling) or the document is parsed; empty ones are
	 * skipped.  first(): a promise of whether there is a timeline at all; hold():
	 * no more pieces before the document is parsed. */
	S.inlineChunks = function (what) {
		var cls = 'sockscope-' + (what || 'timeline');
		var pieces = Array.prototype.slice.call(document.getElementsByClassName(cls));
		var i = 0, waiting = [], holding = false;
		function parsed() { return document.readyState !== 'loading'; }
		function wake() { var w = waiting; waiting = []; w.forEach(function (go) { go(); }); }
		if (!parsed()) {
			/* the pieces as the parser adds them: a live collection would walk the page each time */
			var watch = new MutationObserver(function (records) {
				records.forEach(function (r) {
					for (var k = 0; k < r.addedNodes.length; k++) {
						var node = r.addedNodes[k];
						if (node.nodeType === 1 && node.classList.contains(cls))
							pieces.push(node);
					}
				});
				wake();
			});
			watch.observe(document.body || document.documentElement, { childList: true, subtree: !document.body });
			document.addEventListener('DOMContentLoaded', function () {
				watch.disconnect();
				pieces = Array.prototype.slice.call(document.getElementsByClassName(cls));
				wake();
			});
		}
		/* The next whole piece with text, or null once there are no more. */
		function piece() {
			return new Promise(function (resolve) {
				(function look() {
					for (; i < pieces.length && ((!holding && pieces[i].nextSibling) || parsed()); i++)
						if (pieces[i].textContent) return resolve(pieces[i++].textContent);
					if (parsed() && i >= pieces.length) return resolve(null);
					waiting.push(look);
				})();
			});
		}
		var head = piece();
		var next = function () {
			if (!head) return piece();
			var h = head;
			head = null;
			return h;
		};
		/* Once the first screen is drawn, the rest waits for the browser to finish
		 * parsing the page: reading alongside it slows both (the browser takes its
		 * bytes in smaller bites while the page is busy). */
		next.hold = function () { holding = true; };
		next.first = function () {
			return head.then(function (text) { return text !== null && /\S/.test(text); });
		};
		/* how the pieces are written (src/timeline/report.c): "deflate-raw;base64", or null */
		next.encoding = function () {
			return pieces.length ? pieces[0].getAttribute('data-encoding') : null;
		};
		return next;
	};

	function base64Bytes(text) {
		if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
		var bin = atob(text), out = new Uint8Array(bin.length);
		for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
		return out;
	}

	/* A report's compressed pieces (base64 of raw DEFLATE, each piece whole groups),
	 * inflated as they are read: chunks of the timeline's bytes.  hold() passes on.
	 * The stream's own backpressure paces the pieces.  (Inflating in a worker was
	 * tried: its start delayed the first screen, 0.45 to 1 s against 0.3 to 0.7 s,
	 * and the whole was no sooner on this 2-core machine.) */
	S.inflatedChunks = function (pieces) {
		if (typeof DecompressionStream !== 'function')
			throw new Error('This report is compressed, and this browser cannot inflate it (it has no ' +
				'DecompressionStream): open it in a current Chromium, Firefox or Safari.');
		var stream = new DecompressionStream('deflate-raw'), writer = stream.writable.getWriter();
		var reader = stream.readable.getReader(), failed = null;
		(function feed() {
			return pieces().then(function (text) {
				if (text === null) return writer.close();
				return writer.write(base64Bytes(text)).then(feed);
			});
		})().catch(function (e) {
			failed = failed || e;
			writer.abort(e).catch(function () { /* read() says why */ });
		});
		var next = function () {
			return reader.read().then(function (r) { return r.done ? null : r.value; }, function (e) {
				var why = failed || e;
				throw new Error('This report\'s timeline is damaged: it does not inflate (' +
					(why && why.message ? why.message : String(why)) + ').');
			});
		};
		next.hold = pieces.hold;
		return next;
	};

	/* A promise kept once the page is parsed. */
	S.whenParsed = function () {
		return new Promise(function (resolve) {
			if (document.readyState !== 'loading') resolve();
			else document.addEventListener('DOMContentLoaded', function () { resolve(); });
		});
	};

	/* A report's rows (src/timeline/report_rows.c): its sockscope-rows pieces'
	 * text, inflated and read whole; a promise of Rows.fromReport's answer. */
	S.readReportRows = function (pieces) {
		var next = S.inflatedChunks(S.textChunks(pieces)), decode = decoderFor(), parts = [];
		return (function pump() {
			return next().then(function (chunk) {
				parts.push(decode(chunk));
				return chunk === null ? S.Rows.fromReport(JSON.parse(parts.join(''))) : pump();
			});
		})();
	};

	/* ---- the parser: text in, events out ---- */

	var MODE_START = 0, MODE_LINES = 1, MODE_DOC_HEAD = 2, MODE_DOC_EVENTS = 3, MODE_DOC_TAIL = 4, MODE_WHOLE = 5;

	function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

	/* What a big file's events keep in memory: all the views draw from.  The
	 * rest (explanation, payload, options, absolute time) is read again from the
	 * file when the event is shown (`_at`, `_len`: its line's place in the file). */
	function slimEvent(v, at, len) {
		var out = { kind: v.kind, t: v.t, flow: v.flow, _at: at, _len: len };
		for (var k in v)
			if (k !== 'explain' && k !== 'payload' && k !== 'ts' && k !== 'detail') out[k] = v[k];
		if (isObject(v.tcp) && v.tcp.options) {
			var tcp = {};
			for (var f in v.tcp) if (f !== 'options') tcp[f] = v.tcp[f];
			out.tcp = tcp;
		}
		return out;
	}

	/* rowsComing: a report's rows may come (give()); until then, no rows are made. */
	function Parser(slim, rowsComing) {
		this.slim = !!slim;     /* keep slim events (see slimEvent) */
		this.rows = new S.Rows(!this.slim);
		this.pending = !!rowsComing;
		this.buf = null;        /* a report's bytes (feedBytes): the chunk under way, */
		this.bufId = -1;        /* its place in rows.chunks, */
		this.pos = 0;           /* the next byte to read in it, */
		this.carry = [];        /* and the unfinished line before it */
		this.decoder = null;
		this.given = null;      /* a report's rows (Rows.fromReport): then its only rows */
		this.nextGiven = 0;     /* the next of the given rows the text has not reached */
		this.lazy = null;     /* the events as the model reads them (rows.js) */
		this.offset = 0;        /* bytes before the line being read (ASCII text: one a character) */
		this.lineAt = 0;
		this.mode = MODE_START;
		this.line = 0;          /* lines read */
		this.events = [];
		this.head = null;       /* schema, demo (and source so far) */
		this.end = null;        /* jsonl: the end line; a document: its tail */
		this.flows = [];
		this.tail = [];         /* a document's lines after its events */
		this.whole = [];        /* everything, when parsed whole */
		this.rest = '';
		this.parts = [];
		this.pauseAt = 0;       /* feed() stops once this many events are in (the first screen) */
		this.problem = null;    /* where reading stopped, and why */
		this.fatal = null;      /* nothing can be shown */
	}

	/* The line mode a timeline's first line calls for. */
	Parser.prototype.first = function (text) {
		if (/^\{"kind":"header"/.test(text)) {
			var head = this.json(text);
			if (!head) { this.fatal = 'This file is not a sockscope timeline: ' + this.problem + '.'; return; }
			this.head = head;
			this.mode = MODE_LINES;
			return;
		}
		if (/^\{"schema":".*,$/.test(text)) {
			var h = null;
			try { h = JSON.parse(text.slice(0, -1) + '}'); } catch (e) { h = null; }
			if (isObject(h)) {
				this.head = h;
				this.mode = MODE_DOC_HEAD;
				this.whole.push(text);
				return;
			}
		}
		this.mode = MODE_WHOLE;
		this.whole.push(text);
	};

	/* JSON.parse of one line; on failure, the problem and null. */
	Parser.prototype.json = function (text) {
		try {
			var v = JSON.parse(text);
			if (isObject(v)) return v;
			this.stop('line ' + this.line + ' is not a JSON object');
		} catch (e) {
			this.stop('line ' + this.line + ' is not JSON (' + e.message + ')');
		}
		return null;
	};

	Parser.prototype.stop = function (why) {
		if (!this.problem) this.problem = why;
	};

	/* A TCP packet line kept as a row (rows.js): its number stands in the list
	 * of events.  False when the line needs JSON.parse. */
	Parser.prototype.row = function (text, len) {
		if (this.pending || this.given) return false;  /* a report: its rows are given (takeBytes) */
		var r = this.rows.read(text, this.lineAt, len);
		if (r < 0) return false;
		this.events.push(r);
		return true;
	};

	/* A report's rows, or null: rows from the expression from here on.  The events
	 * read before are objects (no row was made while pending). */
	Parser.prototype.give = function (given) {
		this.pending = false;
		if (!given) return;
		this.given = given;
		given.rows.chunks = this.rows.chunks;     /* the bytes read so far (feedBytes) */
		this.rows = given.rows;
		this.lazy = null;
		while (this.nextGiven < given.at.length && given.at[this.nextGiven] < this.events.length) this.nextGiven++;
	};

	/*
	 * A report's text as bytes (once its rows may come): a given row's line is kept
	 * as bytes and made text only when its event is read (Rows.bytesText); every
	 * other line is made text and taken as feed() takes it.  chunk: the next
	 * Uint8Array, or null to go on with the one under way.  Returns whether more
	 * lines wait in it.
	 */
	Parser.prototype.feedBytes = function (chunk, deadline) {
		if (chunk) {
			this.buf = chunk;
			this.pos = 0;
			this.bufId = this.rows.chunks.push(chunk) - 1;
		}
		var buf = this.buf, nl;
		if (!buf) return false;
		while (!this.problem && (nl = this.lineEnd(buf)) >= 0) {
			if (this.carry.length) {
				this.carry.push(buf.subarray(this.pos, nl));
				var joined = joinBytes(this.carry);
				this.carry = [];
				this.takeBytes(joined, this.rows.chunks.push(joined) - 1, 0, joined.length);
			} else {
				this.takeBytes(buf, this.bufId, this.pos, nl);
			}
			this.pos = nl + 1;
			if (deadline && (this.line & 255) === 0 && performance.now() > deadline) break;
			if (this.pauseAt && this.events && this.events.length >= this.pauseAt) { this.pauseAt = 0; break; }
		}
		if (this.problem) { this.carry = []; this.pos = buf.length; return false; }
		if (nl < 0) {
			if (this.pos < buf.length) this.carry.push(buf.subarray(this.pos));
			this.pos = buf.length;
			return false;
		}
		return buf.indexOf(10, this.pos) >= 0;
	};

	/* Whether the parser is at the line of the next given row. */
	Parser.prototype.atGivenRow = function () {
		var g = this.given, r = this.nextGiven;
		return !!g && this.mode === MODE_DOC_EVENTS && r < g.at.length && g.at[r] === this.events.length;
	};

	/* Where the line at this.pos ends (its newline), or -1: a given row's length is
	 * known (its size column), so most of a report's bytes are never searched. */
	Parser.prototype.lineEnd = function (buf) {
		if (!this.carry.length && this.atGivenRow()) {
			var e = this.pos + this.rows.size[this.nextGiven];
			if (buf[e] === 44) e++;
			if (buf[e] === 10 && buf[e - (buf[e - 1] === 44 ? 2 : 1)] === 125) return e;
		}
		return buf.indexOf(10, this.pos);
	};

	/* '{"kind":"packet","frame":' as bytes: how a row's line begins. */
	var PACKET_HEAD = Array.prototype.map.call('{"kind":"packet","frame":', function (c) { return c.charCodeAt(0); });

	/* Whether buf[start, end) is the line of given row r: its beginning, frame and length. */
	Parser.prototype.isRowLine = function (buf, start, end, r) {
		var k, frame = String(this.rows.frame[r]), at = start + PACKET_HEAD.length;
		if (end - start !== this.rows.size[r]) return false;
		for (k = 0; k < PACKET_HEAD.length; k++) if (buf[start + k] !== PACKET_HEAD[k]) return false;
		for (k = 0; k < frame.length; k++) if (buf[at + k] !== frame.charCodeAt(k)) return false;
		return buf[at + k] === 44;
	};

	/* One line of a report's bytes, buf[start, end), in chunk id. */
	Parser.prototype.takeBytes = function (buf, id, start, end) {
		var r = this.nextGiven;
		if (this.atGivenRow() && buf[start] !== 93) {   /* "]": the events end (docLine) */
			this.count(end - start);
			if (buf[end - 1] === 44) end--;            /* the comma after an event */
			if (!this.isRowLine(buf, start, end, r)) {
				this.stop('line ' + this.line + ' is not the packet the report\'s rows give for event ' + this.events.length);
				return;
			}
			this.rows.chunk[r] = id;
			this.rows.at[r] = start;
			this.events.push(r);
			this.nextGiven++;
			return;
		}
		if (!this.decoder) this.decoder = new TextDecoder('utf-8');
		this.take(this.decoder.decode(buf.subarray(start, end)));
	};

	/* The text left after a report's last newline, for finish(). */
	Parser.prototype.bytesLeft = function () {
		if (this.carry.length) this.rest = (this.decoder || new TextDecoder('utf-8')).decode(joinBytes(this.carry));
		this.carry = [];
	};

	function joinBytes(parts) {
		var n = 0, at = 0;
		parts.forEach(function (p) { n += p.length; });
		var out = new Uint8Array(n);
		parts.forEach(function (p) { out.set(p, at); at += p.length; });
		return out;
	}

	Parser.prototype.jsonlLine = function (text) {
		if (this.end) { this.stop('line ' + this.line + ' comes after the end line'); return; }
		if (this.row(text, text.length)) return;
		var v = this.json(text);
		if (!v) return;
		if (v.kind === 'flow') {
			delete v.kind;
			this.flows.push(v);
		} else if (v.kind === 'end') {
			this.end = v;
		} else if (v.kind === 'header') {
			this.stop('line ' + this.line + ' is a second header');
		} else {
			this.events.push(this.slim ? slimEvent(v, this.lineAt, text.length) : v);
		}
	};

	Parser.prototype.docLine = function (text) {
		if (this.mode === MODE_DOC_HEAD) {
			this.whole.push(text);
			if (text === '"events":[') this.mode = MODE_DOC_EVENTS;
			else if (!this.headMember(text)) this.mode = MODE_WHOLE;
			return;
		}
		if (this.mode === MODE_DOC_EVENTS) {
			if (text.charAt(0) === ']') {
				this.mode = MODE_DOC_TAIL;
				this.whole = [];
				this.tail.push(text.slice(1).replace(/^,/, ''));
				return;
			}
			var line = text.charAt(text.length - 1) === ',' ? text.slice(0, -1) : text;
			if (this.row(line, text.length)) return;
			var v = this.json(line);
			if (v) this.events.push(this.slim ? slimEvent(v, this.lineAt, text.length) : v);
			return;
		}
		this.tail.push(text);
	};

	/* A line of the head between the first and "events":[ (the glossary): one
	 * member, `"key":value,`, added to the head; false if it is not one. */
	Parser.prototype.headMember = function (text) {
		if (!/^"[^"\\]+":.*,$/.test(text)) return false;
		var v = null;
		try { v = JSON.parse('{' + text.slice(0, -1) + '}'); } catch (e) { v = null; }
		if (!isObject(v)) return false;
		for (var k in v) if (k !== '__proto__' && k !== 'events') this.head[k] = v[k];
		return true;
	};

	/* One more line read, len long: where it is. */
	Parser.prototype.count = function (len) {
		this.line++;
		this.lineAt = this.offset;
		this.offset += len + 1;
	};

	Parser.prototype.take = function (text) {
		this.count(text.length);
		if (text.charAt(text.length - 1) === '\r') text = text.slice(0, -1);
		if (this.mode === MODE_START) this.first(text);
		else if (this.mode === MODE_LINES) this.jsonlLine(text);
		else if (this.mode === MODE_WHOLE) this.whole.push(text);
		else this.docLine(text);
	};

	/* Takes the complete lines of text (and keeps the last, unfinished one).
	 * Text without a newline waits in `parts`, joined once its line ends: a
	 * document on one line is then joined once, not once per chunk. */
	Parser.prototype.feed = function (text, deadline) {
		var start = 0, nl;
		if (text.indexOf('\n') < 0) {
			if (text) this.parts.push(text);
			text = '';
		}
		if (this.parts.length && text) {
			this.parts.push(text);
			text = this.parts.join('');
			this.parts = [];
		}
		text = this.rest + text;
		this.rest = '';
		while (!this.problem && (nl = text.indexOf('\n', start)) >= 0) {
			this.take(text.slice(start, nl));
			start = nl + 1;
			if (deadline && (this.line & 255) === 0 && performance.now() > deadline) break;
			if (this.pauseAt && this.events && this.events.length >= this.pauseAt) { this.pauseAt = 0; break; }
		}
		this.rest = this.problem ? '' : text.slice(start);
		return !this.problem && this.rest.indexOf('\n') >= 0;   /* more lines wait */
	};

	/* The unfinished last line, whole. */
	Parser.prototype.lastLine = function () {
		var last = this.rest + this.parts.join('');
		this.rest = '';
		this.parts = [];
		return last;
	};

	/* The whole document, when the text did not have sockscope's layout. */
	Parser.prototype.finishWhole = function () {
		try {
			var doc = JSON.parse(this.whole.join('\n'));
			if (!isObject(doc)) throw new Error('not an object');
			this.head = doc;
			this.wholeDoc = doc;
			this.events = Array.isArray(doc.events) ? doc.events : null;
			this.end = doc;
			this.flows = doc.flows;
		} catch (e) {
			this.fatal = 'This file is not a sockscope timeline: it is not valid JSON (' + e.message + ').';
		}
	};

	Parser.prototype.finishDoc = function () {
		var text = this.tail.join('\n');
		try {
			var tail = JSON.parse('{' + text);
			this.end = tail;
			this.flows = tail.flows;
		} catch (e) {
			this.stop('the timeline is cut short after ' + this.events.length + ' events (' +
				(this.mode === MODE_DOC_TAIL ? 'in its flows' : 'no end of its events') + ')');
		}
	};

	/* After the last chunk: the unfinished line, the parts read at the end. */
	Parser.prototype.finish = function () {
		if (this.fatal) return;
		var last = this.lastLine();
		if (last && !this.problem) {
			if (this.mode === MODE_LINES) {
				this.line++;
				var v = null;
				try { v = JSON.parse(last); } catch (e) { v = null; }
				if (isObject(v)) { this.line--; this.take(last); }
				else this.stop('line ' + this.line + ' is cut short');
			} else {
				this.take(last);
			}
		}
		if (this.mode === MODE_START && !this.whole.length) this.fatal = 'This file is empty.';
		else if (this.mode === MODE_WHOLE || this.mode === MODE_DOC_HEAD) this.finishWhole();
		else if (this.mode === MODE_DOC_EVENTS || this.mode === MODE_DOC_TAIL) this.finishDoc();
		else if (this.mode === MODE_LINES && !this.end)
			this.stop('the timeline ends without its end line: it was cut short');
		if (this.given && this.nextGiven < this.given.at.length)
			this.stop('the report\'s rows give ' + this.given.at.length + ' packets, its timeline held ' + this.nextGiven + ' of them');
	};

	/* The first screen's document: its first n events, no more (drawing more costs
	 * the first screen time, and every later style and layout pass while reading). */
	Parser.prototype.firstDoc = function (n) {
		var doc = this.doc(false), rows = this.rows;
		doc.events = this.events.slice(0, n).map(function (v) { return typeof v === 'number' ? rows.event(v) : v; });
		return doc;
	};

	/* The timeline document so far (or in full): what S.createModel reads. */
	Parser.prototype.doc = function (complete) {
		if (complete && this.wholeDoc) return this.wholeDoc;   /* as it was written */
		var head = this.head || {}, end = complete && this.end ? this.end : {};
		if (!this.lazy && this.events) this.lazy = S.lazyEvents(this.events, this.rows);
		var doc = { schema: head.schema, events: this.lazy };
		if (head.demo !== undefined) doc.demo = head.demo;
		if (head.glossary !== undefined) doc.glossary = head.glossary;
		doc.source = end.source !== undefined ? end.source : head.source;
		if (complete && this.end) {
			doc.endpoints = end.endpoints;
			if (end.endpoints_cut) doc.endpoints_cut = true;
			doc.flows = this.flows;
		}
		return doc;
	};

	function decoderFor() {
		var decoder = new TextDecoder('utf-8');
		return function (chunk) {
			if (chunk === null) return decoder.decode();
			return typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		};
	}

	/* Lets the page handle input and draw, then goes on: a message, not setTimeout,
	 * which browsers hold back at least 4 ms once timeouts nest. */
	var channel = typeof MessageChannel === 'function' ? new MessageChannel() : null, waiting = [];
	if (channel) channel.port1.onmessage = function () { var go = waiting.shift(); if (go) go(); };
	function yieldToPage() {
		return new Promise(function (resolve) {
			if (!channel) return setTimeout(resolve, 0);
			waiting.push(resolve);
			channel.port2.postMessage(0);
		});
	}
	S.yieldToPage = yieldToPage;

	/*
	 * Reads the chunks to the end.  handlers:
	 *   head(doc)         the first events (and schema, demo) are in: draw them (may not come)
	 *   progress(n, bytes) events and bytes read so far
	 *   done(doc, problem) all read (problem: null, or where it stopped and why)
	 *   fail(message)     nothing to show
	 * firstBatch: how many events make the first screen.
	 */
	S.readTimeline = function (next, handlers, firstBatch, job) {
		job = job || {};
		/* a report whose rows may come is read as bytes (feedBytes) */
		var asBytes = !!job.rowsLater;
		var parser = new Parser(job.slim, asBytes), decode = decoderFor(), bytes = 0, headSent = false;
		firstBatch = firstBatch || 200;
		parser.pauseAt = firstBatch;

		/* The first screen as soon as its events are in. */
		function firstScreen() {
			if (!headSent && !parser.fatal && parser.events && parser.events.length >= firstBatch && parser.head) {
				headSent = true;
				handlers.head(parser.firstDoc(firstBatch));
			}
		}

		function afterChunk() {
			handlers.progress(parser.events ? parser.events.length : 0, bytes);
			firstScreen();
		}

		/* A report's rows, asked for once the first screen is drawn: the page reads
		 * the rest only once it is parsed, and the rows stand at its end. */
		function rowsFirst() {
			if (!job.rowsLater || !headSent) return Promise.resolve();
			var later = job.rowsLater;
			job.rowsLater = null;
			return later().then(function (given) { job.rows = given; parser.give(given); });
		}

		function pump() {
			if (job.cancelled) return Promise.resolve();
			return rowsFirst().then(next).then(function (chunk) {
				if (job.cancelled) return;
				if (chunk === null) return finish();
				bytes += chunk.length;
				var deadline = performance.now() + SLICE_MS;
				var more = asBytes ? parser.feedBytes(chunk, deadline) : parser.feed(decode(chunk), deadline);
				firstScreen();
				return slices(more).then(function () {
					if (job.cancelled) return;
					afterChunk();
					if (parser.problem || parser.fatal) return finish();
					return performance.now() > deadline ? yieldToPage().then(pump) : pump();
				});
			});
		}

		/* The rest of a big chunk, a slice at a time. */
		function slices(more) {
			if (!more || job.cancelled) return Promise.resolve();
			return rowsFirst().then(yieldToPage).then(function () {
				if (job.cancelled) return;
				afterChunk();
				var deadline = performance.now() + SLICE_MS;
				return slices(asBytes ? parser.feedBytes(null, deadline) : parser.feed('', deadline));
			});
		}

		function finish() {
			if (asBytes) parser.bytesLeft();
			else if (!parser.problem && !parser.fatal) parser.feed(decode(null));
			parser.finish();
			if (parser.fatal) return handlers.fail(parser.fatal);
			handlers.progress(parser.events ? parser.events.length : 0, bytes);
			handlers.done(parser.doc(true), parser.problem);
		}

		/* A source that fails part way (a damaged report) ends the reading like a bad
		 * line does: what was read is shown, with why it stopped. */
		return pump().catch(function (e) {
			var why = e && e.message ? e.message : String(e);
			if (job.cancelled) return;
			if (!parser.fatal && parser.head && parser.events && parser.events.length) {
				parser.stop(why.replace(/\.$/, ''));
				return finish();
			}
			handlers.fail(why);
		});
	};

	/* An event of a slim timeline in full, read again from its file; null if it is not
	 * the same event (the file changed, or its text was not ASCII). */
	S.readFullEvent = function (file, ev) {
		return file.slice(ev._at, ev._at + ev._len).text().then(function (text) {
			var v = null;
			try { v = JSON.parse(text.replace(/,\s*$/, '')); } catch (e) { v = null; }
			return isObject(v) && v.t === ev.t && v.kind === ev.kind && v.frame === ev.frame ? v : null;
		});
	};

	S.TimelineParser = Parser;
}, true);
