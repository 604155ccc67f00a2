/* sockscope viewer: TCP packets kept as rows of numbers, not as objects.
 *
 * JSON.parse of one packet makes about forty values, most of them for the
 * explanation, the payload and small objects (endpoints, states, flags) that
 * thousands of packets repeat; keeping a hundred thousand of them costs the
 * page more in garbage collection than the parse itself.  So the reader
 * (preload.js) hands each event line here first: Sockscope.Rows.read() takes a
 * TCP packet line as sockscope writes it (PACKET below: its members in their
 * order, no analysis flag, no tunnel layers, every byte valid JSON) and keeps
 * what the model needs in typed arrays (time, frame, flow, direction, sequence
 * number, lengths; for a big file the rest of the TCP header and the ack RTT
 * too), the endpoints, flag sets and states once per distinct text.  Any other
 * line (a socket call, a note, a flagged, tunnelled or odd packet, a line
 * sockscope did not write) gives -1, and the reader parses it with JSON.parse
 * as before, which also says what is wrong with it.
 *
 * A row becomes an event object only when something reads it
 * (Sockscope.lazyEvents): its line parsed in full when the line is kept, else
 * (a big file's, whose text is not kept) a stand-in made from the row, read in
 * full from the file when selected (main.js).
 */
Sockscope.module(function (S) {
	'use strict';

	var INTERN_MAX = 65536;      /* distinct endpoints, flag sets, states kept; past it, JSON.parse */
	var FLOW_MAX = 2147483647;

	var F64 = ['t', 'frame', 'seq', 'ack', 'seqRel', 'ackRel', 'len', 'plen', 'win', 'winScaled', 'ackRtt', 'at'];
	var I32 = ['flow', 'src', 'dst', 'flags', 'state', 'size', 'chunk'];
	var I8 = ['dir'];
	var NONE = Object.freeze([]), NO_DETAIL = Object.freeze({});

	/*
	 * A TCP packet line as sockscope writes it (src/timeline/packet_json.c), no
	 * analysis flag, all of it valid JSON: the expression checks every byte, so a
	 * row's line always parses.  Its groups are the row's columns (see read()).
	 * Nested objects it keeps (endpoints, ip, state) hold no brackets and no escape.
	 */
	var INT = '(0|[1-9]\\d*)', NUM = '(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)';
	var STR = '"(?:[^"\\\\\\u0000-\\u001f]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*"';
	var PLAIN = '[^"\\\\\\u0000-\\u001f]*';                          /* a string's text, no escape */
	var FLAT = '\\{(?:"' + PLAIN + '"|[-+.:,0-9a-zA-Z])*\\}';        /* {"key":"text" or number or literal,…} */
	var OPTION = '\\{(?:"' + PLAIN + '"|[-+.:,0-9a-zA-Z]|\\[(?:\\[[0-9,]*\\]|,)*\\])*\\}';
	var PACKET = new RegExp('^\\{"kind":"packet","frame":' + INT + ',"t":' + NUM + ',"ts":"' + PLAIN + '"' +
		',"flow":' + INT + ',"dir":"(c2s|s2c)","src":(' + FLAT + '),"dst":(' + FLAT + '),"ip":' + FLAT +
		',"tcp":\\{"flags":(\\[(?:"[A-Z]+",?)*\\]),"seq":' + INT + ',"ack":' + INT +
		'(?:,"seq_rel":' + NUM + ',"ack_rel":' + NUM + ')?,"len":' + INT + ',"win":' + INT +
		'(?:,"win_scaled":' + INT + ')?,"options":\\[(?:' + OPTION + '(?:,' + OPTION + ')*)?\\]\\}' +
		'(?:,"handshake":' + INT + ')?,"state":(' + FLAT + '),"analysis":\\[\\],"analysis_detail":\\{\\}' +
		'(?:,"sack":' + FLAT + ')?(?:,"dsack":' + FLAT + ')?(?:,"rtt":\\{(?:"ack_rtt":' + NUM + ',?)?(?:"' + PLAIN + '"|[-+.:,0-9a-zA-Z])*\\})?' +
		'(?:,"payload":\\{"len":' + INT + ',"text":' + STR + ',"hex":"[0-9a-f]*"(?:,"cut":true)?\\})?' +
		',"label":"(' + PLAIN + ')"(?:,"explain":\\{"summary":' + STR + ',"detail":' + STR + '\\})?\\}$');

	function deepFreeze(v) {
		if (v !== null && typeof v === 'object') {
			Object.freeze(v);
			for (var k in v) deepFreeze(v[k]);
		}
		return v;
	}

	function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

	/* A table of distinct texts (endpoints, flag sets, states): id by text, value by id. */
	function Table(check) {
		this.ids = new Map();
		this.texts = [];
		this.values = [];
		this.check = check;     /* the parsed value, or undefined if it does not belong here */
		this.last = -1;
	}

	/* The id of a value's text, or -1; guess: the id it most likely has. */
	Table.prototype.id = function (text, guess, copy) {
		if (guess >= 0 && this.texts[guess] === text) return guess;
		var id = this.ids.get(text);
		if (id !== undefined) return id;
		if (this.values.length >= INTERN_MAX) return -1;
		var v;
		try { v = this.check(JSON.parse(text)); } catch (err) { v = undefined; }
		if (v === undefined) return -1;
		if (copy) text = (' ' + text).slice(1);
		id = this.values.length;
		this.ids.set(text, id);
		this.texts.push(text);
		this.values.push(deepFreeze(v));
		return id;
	};

	/* A value the report's rows give (report_rows.c): its id, its text the key. */
	Table.prototype.add = function (v) {
		if (this.check(v) === undefined) throw new Error('a table entry of the wrong shape');
		var text = JSON.stringify(v);
		this.ids.set(text, this.values.length);
		this.texts.push(text);
		this.values.push(deepFreeze(v));
	};

	function endpoint(v) {
		return isObject(v) && typeof v.addr === 'string' && (typeof v.port === 'number' || v.port === null) ? v : undefined;
	}

	function flagList(v) {
		return Array.isArray(v) && v.every(function (f) { return typeof f === 'string'; }) ? v : undefined;
	}

	function state(v) {
		return isObject(v) && typeof v.client === 'string' && typeof v.server === 'string' ? v : undefined;
	}

	/* keepLines: keep each row's line (read in full when shown); false for a big
	 * file's rows, which keep where their line is in the file instead. */
	function Rows(keepLines) {
		this.keepLines = !!keepLines;
		this.n = 0;
		this.cap = 0;
		this.label = [];
		this.line = [];
		this.endpoints = new Table(endpoint);
		this.flagSets = new Table(flagList);
		this.states = new Table(state);
		this.guess = new Map();   /* flow * 2 + dir -> [src id, dst id] last seen */
		this.chunks = [];         /* a report's text, as bytes (bytesText) */
		var self = this;
		F64.forEach(function (c) { self[c] = new Float64Array(0); });
		I32.forEach(function (c) { self[c] = new Int32Array(0); });
		I8.forEach(function (c) { self[c] = new Int8Array(0); });
	}

	Rows.prototype.grow = function () {
		var cap = Math.max(1024, this.cap * 2), self = this;
		F64.concat(I32, I8).forEach(function (c) {
			var a = new self[c].constructor(cap);
			a.set(self[c]);
			self[c] = a;
		});
		this.cap = cap;
	};

	/*
	 * Keeps the packet of one line (no trailing comma) as a row: its index, or -1.
	 * at, size: the line's place in its file (for a big file's rows).
	 */
	Rows.prototype.read = function (s, at, size) {
		if (s.charCodeAt(9) !== 112) return -1;           /* not {"kind":"packet" */
		var m = PACKET.exec(s);
		if (m === null || +m[3] > FLOW_MAX) return -1;
		if (this.n === this.cap) this.grow();
		var r = this.n, copy = !this.keepLines, flow = +m[3], dir = m[4] === 's2c' ? 1 : 0;
		var key = flow * 2 + dir, guess = this.guess.get(key);
		var src = this.endpoints.id(m[5], guess ? guess[0] : -1, copy);
		var dst = this.endpoints.id(m[6], guess ? guess[1] : -1, copy);
		var flags = this.flagSets.id(m[7], this.flagSets.last, copy);
		var state = this.states.id(m[16], this.states.last, copy);
		if (src < 0 || dst < 0 || flags < 0 || state < 0) return -1;
		if (!guess || guess[0] !== src || guess[1] !== dst) this.guess.set(key, [src, dst]);
		this.flagSets.last = flags;
		this.states.last = state;
		this.frame[r] = +m[1];
		this.t[r] = +m[2];
		this.flow[r] = flow;
		this.dir[r] = dir;
		this.src[r] = src;
		this.dst[r] = dst;
		this.flags[r] = flags;
		this.seq[r] = +m[8];
		this.len[r] = +m[12];
		this.plen[r] = m[18] === undefined ? this.len[r] : +m[18];
		this.state[r] = state;
		if (copy) this.keepStandIn(r, m);
		this.label[r] = copy && m[19].length >= 13 ? (' ' + m[19]).slice(1) : m[19];
		if (this.keepLines) this.line[r] = s;
		else { this.at[r] = at; this.size[r] = size; }
		this.n++;
		return r;
	};

	/* The columns of a report's rows, in their order (src/timeline/report_rows.c). */
	var REPORT_COLUMNS = ['event', 'frame', 't', 'flow', 'dir', 'src', 'dst', 'flags', 'seq', 'plen', 'state', 'size'];

	/*
	 * A report's rows (src/timeline/report_rows.c): {schema, events, rows, a
	 * column each (event and frame as differences from the row before; size: the
	 * line's length in bytes, its comma left out), the
	 * tables endpoints, flag_sets, states}, checked whole.  Gives {rows, at}: the
	 * Rows (their lines kept, each given by the reader when it reaches event
	 * at[r]: see Parser), or throws saying what is wrong.
	 */
	Rows.fromReport = function (v) {
		function need(ok, what) { if (!ok) throw new Error('the report\'s rows: ' + what); }
		need(isObject(v) && v.schema === 'sockscope.rows/1', 'not sockscope.rows/1');
		var n = v.rows;
		need(Number.isSafeInteger(v.events) && Number.isSafeInteger(n) && n >= 0 && n <= v.events &&
			Array.isArray(v.endpoints) && Array.isArray(v.flag_sets) && Array.isArray(v.states), 'a member is missing');
		REPORT_COLUMNS.forEach(function (c) { need(Array.isArray(v[c]) && v[c].length === n, 'its ' + c + ' column is missing'); });
		var rows = new Rows(true), at = new Float64Array(n);
		v.endpoints.forEach(function (e) { rows.endpoints.add(e); });
		v.flag_sets.forEach(function (f) { rows.flagSets.add(f); });
		v.states.forEach(function (st) { rows.states.add(st); });
		while (rows.cap < n) rows.grow();
		var ne = rows.endpoints.values.length, nf = rows.flagSets.values.length, ns = rows.states.values.length;
		function id(x, max) { return (x | 0) === x && x >= 0 && x < max; }
		function count(x) { return Number.isSafeInteger(x) && x >= 0; }
		var event = -1, frame = 0;
		for (var r = 0; r < n; r++) {
			event += r ? v.event[r] : v.event[r] + 1;
			frame += v.frame[r];
			need(Number.isSafeInteger(event) && event < v.events && (r === 0 || event > at[r - 1]) &&
				count(frame) && typeof v.t[r] === 'number' && id(v.flow[r], FLOW_MAX + 1) &&
				(v.dir[r] === 0 || v.dir[r] === 1) && id(v.src[r], ne) && id(v.dst[r], ne) &&
				id(v.flags[r], nf) && count(v.seq[r]) && count(v.plen[r]) && id(v.state[r], ns) &&
				id(v.size[r], 2147483647),
				'row ' + r + ' is not a row');
			at[r] = event;
			rows.frame[r] = frame;
		}
		REPORT_COLUMNS.slice(2).forEach(function (c) { rows[c].set(v[c]); });
		rows.n = n;
		return { rows: rows, at: at };
	};

	/* What only a stand-in needs (a row whose line is not kept). */
	Rows.prototype.keepStandIn = function (r, m) {
		this.ack[r] = +m[9];
		this.seqRel[r] = m[10] === undefined ? NaN : +m[10];
		this.ackRel[r] = m[11] === undefined ? NaN : +m[11];
		this.win[r] = +m[13];
		this.winScaled[r] = m[14] === undefined ? NaN : +m[14];
		this.ackRtt[r] = m[17] === undefined ? NaN : +m[17];
	};

	/* Row r as the event the views read, when its line is not kept: a stand-in
	 * with what the row keeps. */
	Rows.prototype.standIn = function (r) {
		var tcp = { flags: this.flagSets.values[this.flags[r]], seq: this.seq[r], ack: this.ack[r] };
		if (this.seqRel[r] === this.seqRel[r]) { tcp.seq_rel = this.seqRel[r]; tcp.ack_rel = this.ackRel[r]; }
		tcp.len = this.len[r];
		tcp.win = this.win[r];
		if (this.winScaled[r] === this.winScaled[r]) tcp.win_scaled = this.winScaled[r];
		var ev = { kind: 'packet', frame: this.frame[r], t: this.t[r], flow: this.flow[r],
			dir: this.dir[r] ? 's2c' : 'c2s', src: this.endpoints.values[this.src[r]],
			dst: this.endpoints.values[this.dst[r]], tcp: tcp, state: this.states.values[this.state[r]],
			analysis: NONE, analysis_detail: NO_DETAIL };
		if (this.ackRtt[r] === this.ackRtt[r]) ev.rtt = { ack_rtt: this.ackRtt[r] };
		ev.label = this.label[r];
		if (!this.keepLines) { ev._at = this.at[r]; ev._len = this.size[r]; }
		return ev;
	};

	/* Row r as an event: its line parsed in full (PACKET checked that it parses),
	 * else its stand-in. */
	Rows.prototype.event = function (r) {
		if (!this.keepLines) return this.standIn(r);
		var s = this.line[r];
		return JSON.parse(s !== undefined ? s : this.bytesText(r));
	};

	/* A report's row keeps its line as bytes (Parser.feedBytes): chunk[r], from at[r],
	 * size[r] long, in this.chunks; its text is made only when it is read. */
	Rows.prototype.bytesText = function (r) {
		var c = this.chunks[this.chunk[r]];
		if (!this.decoder) this.decoder = new TextDecoder('utf-8');
		return this.decoder.decode(c.subarray(this.at[r], this.at[r] + this.size[r]));
	};

	/* Where a row's events live: the reader's list, numbers standing for rows. */
	var lazyInfo = new WeakMap();

	/*
	 * The events of a list whose rows (numbers) become event objects when read,
	 * once: list[i] is then the event.  Sockscope.lazyInfo(events) gives {list,
	 * rows} to code that walks every event (the model) and must not make them all.
	 */
	S.lazyEvents = function (list, rows) {
		var events = new Proxy(list, {
			get: function (target, key) {
				var v = target[key];
				if (typeof v === 'number' && typeof key === 'string' && key.charCodeAt(0) <= 57) {
					v = rows.event(v);
					target[key] = v;
				}
				return v;
			}
		});
		lazyInfo.set(events, { list: list, rows: rows });
		return events;
	};

	S.lazyInfo = function (events) { return lazyInfo.get(events) || null; };

	S.Rows = Rows;
}, true);
