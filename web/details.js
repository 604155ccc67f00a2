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

	/* Bytes from an even-length hex string; stops at the first bad digit pair. */
	function hexBytes(hex) {
		var out = [];
		if (typeof hex !== 'string') return out;
		for (var i = 0; i + 1 < hex.length && out.length < HEX_LIMIT; i += 2) {
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

	function leafText(v) {
		if (v === null) return 'null';
		if (typeof v === 'string') return v;
		return JSON.stringify(v);
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
				html('summary', 'tree-key', det, key + (Array.isArray(v) ? ' [' + v.length + ']' : ''));
				det.appendChild(fieldTree(v, depth + 1));
			} else {
				html('dt', 'tree-key', row, key);
				var dd = html('dd', 'tree-val t-' + (v === null ? 'null' : typeof v), row,
					Array.isArray(v) ? v.map(leafText).join(', ') : leafText(v));
				if (typeof v === 'string') dd.title = v;
			}
		});
		return dl;
	}

	function chip(parent, text, cls) {
		return html('span', 'chip' + (cls ? ' ' + cls : ''), parent, text);
	}

	function createDetails(root, model, dispatch) {
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
				if (doc.demo.description) html('p', '', intro, doc.demo.description);
				if (doc.demo.teaches) html('p', 'teaches', intro, 'What it teaches: ' + doc.demo.teaches);
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
				p.textContent = 'Source: ' + parts.join(' · ');
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
				html('th', '', tr, name).scope = 'row';
				html('td', '', tr, S.ANALYSIS[name] || 'No description for this flag.');
			});
			return table;
		}

		function drawEvent(i) {
			var ev = model.events[i] || {}, nodes = [];
			var head = html('div', 'd-head');
			html('span', 'd-index', head, 'Event ' + i);
			chip(head, model.kind[i] === S.KIND.packet ? S.PROTO_NAMES[model.proto[i]].toUpperCase() : String(ev.kind),
				'k-' + S.CLASSES[model.cls[i]]);
			if (ev.frame !== undefined) chip(head, 'frame ' + ev.frame);
			chip(head, 't = ' + S.formatTime(model.t[i]) + ' s');
			if (model.flow[i] >= 0) chip(head, 'flow ' + model.flow[i]);
			if (ev.dir) chip(head, ev.dir === 'c2s' ? 'client → server' : ev.dir === 's2c' ? 'server → client' : String(ev.dir));
			if (ev.side) chip(head, String(ev.side));
			if (ev.truncated) chip(head, 'truncated', 'warn');
			nodes.push(head);
			nodes.push(html('p', 'd-label', null, S.describe(ev)));

			var ex = S.isObject(ev.explain) ? ev.explain : null;
			if (ex && ex.summary) nodes.push(html('p', 'summary', null, ex.summary));
			if (ex && ex.detail) nodes.push(html('p', 'detail', null, ex.detail));
			if (ev.kind === 'note' && ev.text) nodes.push(html('p', 'summary', null, ev.text));

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
			content.scrollTop = 0;
		}

		function payloadSection(payload) {
			var ps = section(null, 'Payload (' + (payload.len === undefined ? '?' : payload.len) + ' bytes)');
			if (payload.text !== undefined && payload.text !== null) {
				html('div', 'sub', ps, 'as text');
				html('pre', 'payload-text', ps, payload.text);
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

		function update(st) {
			var want = st.selected >= 0 && st.selected < model.count ? st.selected : -1;
			if (want === shown && content.firstChild) return;
			shown = want;
			if (want < 0) drawIntro(); else drawEvent(want);
		}

		return { update: update };
	}

	S.hexDump = hexDump;
	S.createDetails = createDetails;
})(window.Sockscope = window.Sockscope || {});
