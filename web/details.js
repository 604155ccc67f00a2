/* sockscope viewer: the details panel.
 *
 * For the selected event: its explanation, what its analysis flags mean, a payload
 * preview (text and hex) and every decoded field as a tree.  With nothing selected,
 * what the timeline is about.  Everything from the capture goes in as textContent.
 */
(function (S) {
	'use strict';

	var dom = S.dom, html = dom.html;
	var HEX_LIMIT = 4096;

	function section(parent, title) {
		var s = html('section', 'd-section', parent);
		html('h3', '', s, title);
		return s;
	}

	/* Bytes from an even-length hex string; stops at the first bad digit pair or at limit. */
	function hexBytes(hex, limit) {
		var out = [], max = limit || HEX_LIMIT;
		if (typeof hex !== 'string') return out;
		for (var i = 0; i + 1 < hex.length && out.length < max; i += 2) {
			var b = parseInt(hex.substr(i, 2), 16);
			if (isNaN(b)) break;
			out.push(b);
		}
		return out;
	}

	function hexDump(bytes) {
		var lines = [];
		for (var off = 0; off < bytes.length; off += 16) {
			var hex = '', ascii = '';
			for (var j = 0; j < 16; j++) {
				var b = bytes[off + j];
				hex += (b === undefined ? '  ' : (b < 16 ? '0' : '') + b.toString(16)) + (j === 7 ? '  ' : ' ');
				if (b !== undefined) ascii += b >= 32 && b < 127 ? String.fromCharCode(b) : '.';
			}
			lines.push(('000' + off.toString(16)).slice(-4) + '  ' + hex + ' ' + ascii);
		}
		return lines.join('\n');
	}

	var TEXT_LIMIT = 20000;     /* characters of one field shown; the rest is counted */

	function leafText(v) {
		if (v === null) return 'null';
		if (typeof v === 'string') return S.clip(v, TEXT_LIMIT);
		return S.clip(JSON.stringify(v), TEXT_LIMIT);
	}

	function isSimpleArray(v) {
		return Array.isArray(v) && v.length <= 16 && v.every(function (x) { return x === null || typeof x !== 'object'; });
	}

	/* The event's JSON as nested lists; small scalar arrays on one line. */
	function fieldTree(value, depth) {
		var dl = html('dl', 'tree');
		Object.keys(value).forEach(function (key) {
			var v = value[key];
			var row = html('div', 'tree-row', dl);
			if (v !== null && typeof v === 'object' && !isSimpleArray(v) && depth < 6) {
				var det = html('details', '', row);
				det.open = depth < 2;
				html('summary', 'tree-key', det, S.clip(key, 200) + (Array.isArray(v) ? ' [' + v.length + ']' : ''));
				det.appendChild(fieldTree(v, depth + 1));
			} else {
				html('dt', 'tree-key', row, S.clip(key, 200));
				var dd = html('dd', 'tree-val t-' + (v === null ? 'null' : typeof v), row,
					Array.isArray(v) ? S.clip(v.map(leafText).join(', '), TEXT_LIMIT) : leafText(v));
				if (typeof v === 'string') dd.title = S.clip(v, 2000);
			}
		});
		return dl;
	}

	function chip(parent, text, cls) {
		return html('span', 'chip' + (cls ? ' ' + cls : ''), parent, text);
	}

	/* readAhead(i): true while event i is being read in full elsewhere (main.js), which
	 * calls again() when it has been read. */
	function createDetails(root, model, dispatch, readAhead) {
		dom.panel(root, 'details-panel', 'Details');
		var content = html('div', 'details-scroll', root);
		content.setAttribute('aria-live', 'polite');
		content.tabIndex = 0;
		var shown = null;

		function drawIntro() {
			var doc = model.doc, parts = [];
			var intro = html('div', 'intro');
			if (S.isObject(doc.demo)) {
				html('h3', 'intro-title', intro, 'Demo: ' + (doc.demo.name || ''));
				if (doc.demo.description) html('p', '', intro, S.clip(doc.demo.description, TEXT_LIMIT));
				if (doc.demo.teaches) html('p', 'teaches', intro, 'What it teaches: ' + S.clip(doc.demo.teaches, TEXT_LIMIT));
			}
			var src = doc.source;
			if (S.isObject(src)) {
				var p = html('p', 'source-line', intro);
				if (src.path) parts.push(String(src.path));
				if (src.interface) parts.push('interface ' + src.interface);
				if (src.linktype) parts.push(String(src.linktype));
				if (src.filter) parts.push('filter "' + src.filter + '"');
				if (typeof src.packets === 'number') parts.push(src.packets + ' packets');
				if (typeof src.dropped === 'number') parts.push(src.dropped + ' dropped');
				p.textContent = S.clip('Source: ' + parts.join(' · '), 2000);
			}
			html('p', 'hint', intro, 'Click an arrow or a row, or press ↓ / j, to see what an event means. ' +
				'Press n and p to step, space to play.');
			content.replaceChildren(intro, glossary());
		}

		function glossary() {
			var det = html('details', 'glossary');
			html('summary', '', det, 'What the analysis flags mean');
			det.appendChild(flagTable(Object.keys(S.ANALYSIS)));
			return det;
		}

		function flagTable(names) {
			var table = html('table', 'flags');
			var tbody = html('tbody', '', table);
			names.forEach(function (name) {
				var tr = html('tr', '', tbody);
				html('th', '', tr, S.clip(name, 80)).scope = 'row';
				html('td', '', tr, S.own(S.ANALYSIS, name) ? S.ANALYSIS[name] : 'No description for this flag.');
			});
			return table;
		}

		function drawEvent(i) {
			var ev = model.events[i] || {}, nodes = [];
			var head = html('div', 'd-head');
			html('span', 'd-index', head, 'Event ' + i);
			chip(head, model.kind[i] === S.KIND.packet ? S.PROTO_NAMES[model.proto[i]].toUpperCase() : String(ev.kind),
				'k-' + S.CLASSES[model.cls[i]]);
			if (ev.frame !== undefined) chip(head, 'frame ' + S.clip(ev.frame, 20));
			chip(head, 't = ' + S.formatTime(model.t[i]) + ' s');
			if (model.flow[i] >= 0) flowButton(head, model.flow[i]);
			if (ev.dir) chip(head, ev.dir === 'c2s' ? 'client → server' : ev.dir === 's2c' ? 'server → client' : S.clip(ev.dir, 40));
			if (ev.side) chip(head, S.clip(ev.side, 60));
			if (typeof ev.pid === 'number') chip(head, 'pid ' + ev.pid + (ev.comm ? ' ' + S.clip(ev.comm, 40) : ''));
			if (ev.truncated) chip(head, 'truncated', 'warn');
			nodes.push(head);
			nodes.push(html('p', 'd-label', null, S.clip(S.describe(ev), TEXT_LIMIT)));

			var ex = S.isObject(ev.explain) ? ev.explain : null;
			if (ex && ex.summary) nodes.push(html('p', 'summary', null, S.clip(ex.summary, TEXT_LIMIT)));
			if (ex && ex.detail) nodes.push(html('p', 'detail', null, S.clip(ex.detail, TEXT_LIMIT)));
			if (ev.kind === 'note' && ev.text) nodes.push(html('p', 'summary', null, S.clip(ev.text, TEXT_LIMIT)));
			var loss = lossSection(i);
			if (loss) nodes.push(loss);
			var during = callSection(i);
			if (during) nodes.push(during);

			if (Array.isArray(ev.analysis) && ev.analysis.length) {
				var fs = section(null, 'Analysis flags');
				fs.classList.add('d-flags');
				fs.appendChild(flagTable(ev.analysis.map(String)));
				nodes.push(fs);
			}
			if (S.isObject(ev.rtt) && typeof ev.rtt.ack_rtt === 'number') {
				var rs = section(null, 'Round trip');
				html('p', '', rs, 'This ACK arrived ' + S.formatDuration(ev.rtt.ack_rtt) + ' after the segment it acknowledges' +
					(ev.rtt.acks_frame !== undefined ? ' (frame ' + ev.rtt.acks_frame + ').' : '.'));
				nodes.push(rs);
			}
			if (S.isObject(ev.payload)) nodes.push(payloadSection(ev.payload));
			var tree = section(null, 'All fields');
			tree.appendChild(fieldTree(ev, 0));
			nodes.push(tree);
			nodes.push(glossary());
			content.replaceChildren.apply(content, nodes);
		}

		/* "Filter on this flow": the flow chip is a button. */
		function flowButton(parent, id) {
			var b = dom.button(parent, 'chip chip-button', 'flow ' + id + ' · filter on this flow', function () {
				dispatch({ type: 'flow', id: id });
			});
			b.dataset.filterFlow = id;
			b.title = 'Show only flow ' + id;
			return b;
		}

		function eventButton(parent, j, text) {
			var b = dom.button(parent, 'chip chip-button', text, function () { dispatch({ type: 'select', index: j }); });
			b.dataset.goto = j;
			return b;
		}

		/* A packet sent again later, or a resend: the two copies linked. */
		function lossSection(i) {
			if (!model.lost || (model.lost[i] !== 1 && model.resend[i] < 0)) return null;
			var ls = section(null, model.lost[i] === 1 ? 'Sent again later' : 'Resend');
			var p = html('p', '', ls);
			if (model.lost[i] === 1) {
				p.textContent = 'The sender took this copy for lost and sent the same bytes again' +
					(model.resentBy[i] >= 0 ? ' as event ' + model.resentBy[i] + '. ' : '. ');
				if (model.resentBy[i] >= 0) eventButton(ls, model.resentBy[i], 'go to the resend #' + model.resentBy[i]);
			} else {
				p.textContent = 'This resends event ' + model.resend[i] + ', the copy the sender took for lost. ';
				eventButton(ls, model.resend[i], 'go to the original #' + model.resend[i]);
			}
			return ls;
		}

		/* A socket call: the packets of its flow sent between its start and its return. */
		function callSection(i) {
			if (model.kind[i] !== S.KIND.app || !model.start || model.start[i] >= model.t[i]) return null;
			var cs = section(null, 'While this call ran (' + S.formatDuration(model.t[i] - model.start[i]) + ')');
			var list = html('ul', 'call-packets', cs), k = 0;
			for (var j = S.lowerBound(model.t, model.start[i]); j < model.count && model.t[j] <= model.t[i] && k < 40; j++) {
				if (model.kind[j] !== S.KIND.packet || model.flow[j] !== model.flow[i] || model.flow[i] < 0) continue;
				eventButton(html('li', '', list), j, '#' + j + ' ' + S.clip(S.describe(model.events[j]), 60));
				k++;
			}
			if (!k) html('p', 'hint', cs, 'No packet of its flow went out or came in while it ran.');
			return cs;
		}

		function payloadSection(payload) {
			var ps = section(null, 'Payload (' + (payload.len === undefined ? '?' : payload.len) + ' bytes)');
			if (payload.text !== undefined && payload.text !== null) {
				html('div', 'sub', ps, 'as text');
				html('pre', 'payload-text', ps, S.clip(payload.text, TEXT_LIMIT));
			}
			var bytes = hexBytes(payload.hex);
			if (bytes.length) {
				html('div', 'sub', ps, 'as bytes');
				html('pre', 'hexdump', ps, hexDump(bytes));
				if (typeof payload.len === 'number' && payload.len > bytes.length)
					html('p', 'hint', ps, 'Showing the first ' + bytes.length + ' of ' + payload.len + ' bytes.');
			}
			return ps;
		}

		function wanted(st) { return st.selected >= 0 && st.selected < model.count ? st.selected : -1; }

		/* A new event is read from its top; scrolled before any view draws (see main.js). */
		function prepare(st) {
			/* (nothing drawn yet: at the top, and reading would lay the page out) */
			if (shown !== null && wanted(st) !== shown && content.scrollTop) content.scrollTop = 0;
		}

		function update(st) {
			var want = wanted(st);
			if (want === shown && content.firstChild) return;
			if (want >= 0 && readAhead && readAhead(want)) {
				content.setAttribute('aria-busy', 'true');
				return;
			}
			content.removeAttribute('aria-busy');
			shown = want;
			if (want < 0) drawIntro(); else drawEvent(want);
		}

		/* The shown event was read again (in full): draw it on the next update. */
		function again() { shown = null; }

		return { prepare: prepare, update: update, again: again };
	}

	S.hexDump = hexDump;
	S.hexBytes = hexBytes;
	S.createDetails = createDetails;
})(window.Sockscope = window.Sockscope || {});
