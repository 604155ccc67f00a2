/* sockscope viewer: "follow stream" for the chosen TCP flow.
 *
 * Each direction's payload put back in sequence order from the previews the
 * timeline holds (payload.hex, or payload.text), every byte once: a resend of
 * bytes already placed adds nothing.  Shown as escaped text (printable ASCII as
 * is, everything else as \xNN, \r, \n, \t) and as a hex dump, always with
 * textContent.  Where the timeline has only the first bytes of a segment, or a
 * range never arrived in it, the view says how many bytes are missing.
 */
(function (S) {
	'use strict';

	var dom = S.dom, html = dom.html;
	var MAX_BYTES = 65536;      /* per direction shown */

	function bytesOf(payload) {
		if (!S.isObject(payload)) return [];
		if (typeof payload.hex === 'string') return S.hexBytes(payload.hex, MAX_BYTES);
		var out = [];
		if (typeof payload.text === 'string')
			for (var j = 0; j < payload.text.length && out.length < MAX_BYTES; j++) out.push(payload.text.charCodeAt(j) & 255);
		return out;
	}

	/* One direction: [{seq, bytes, len}] in sequence order, overlaps dropped. */
	function reassemble(model, flowId, dir) {
		var parts = [];
		for (var i = 0; i < model.count; i++) {
			if (model.flow[i] !== flowId || model.kind[i] !== S.KIND.packet || model.proto[i] !== S.PROTO.tcp) continue;
			var ev = model.events[i];
			if (ev.dir !== dir || !S.isObject(ev.tcp) || typeof ev.tcp.seq_rel !== 'number') continue;
			var len = typeof ev.tcp.len === 'number' ? ev.tcp.len : 0;
			if (len > 0) parts.push({ seq: ev.tcp.seq_rel, len: len, bytes: bytesOf(ev.payload), i: i });
		}
		parts.sort(function (a, b) { return a.seq - b.seq || a.i - b.i; });
		var out = [], next = parts.length ? parts[0].seq : 0, total = 0;
		parts.forEach(function (p) {
			if (p.seq + p.len <= next || total >= MAX_BYTES) return;        /* already placed: a resend */
			if (p.seq > next) out.push({ gap: p.seq - next });
			var skip = Math.max(0, next - p.seq), have = p.bytes.slice(skip), want = p.len - skip;
			out.push({ bytes: have, missing: Math.max(0, want - have.length), i: p.i });
			total += have.length;
			next = p.seq + p.len;
		});
		return out;
	}

	function escapeBytes(bytes) {
		var s = '';
		for (var k = 0; k < bytes.length; k++) {
			var b = bytes[k];
			if (b === 10) s += '\\n\n';
			else if (b === 13) s += '\\r';
			else if (b === 9) s += '\\t';
			else if (b >= 32 && b < 127 && b !== 92) s += String.fromCharCode(b);
			else s += '\\x' + (b < 16 ? '0' : '') + b.toString(16);
		}
		return s;
	}

	function createFollow(root, model, dispatch) {
		var bar = dom.panel(root, 'follow-panel', 'Follow stream');
		var note = html('span', 'panel-note', bar);
		var asHex = dom.checkbox(html('div', 'controls', bar), 'check', 'as hex', function () { shown = null; update(last); });
		var body = html('div', 'follow-body', root);
		var shown = null, last = null;

		function column(title, pieces) {
			var col = html('section', 'follow-col');
			html('h3', '', col, title);
			var pre = html('pre', 'follow-text', col);
			var count = 0, lost = 0;
			pieces.forEach(function (p) {
				if (p.gap) { html('span', 'follow-gap', pre, '[' + p.gap + ' bytes never seen in the capture]'); lost += p.gap; return; }
				var span = html('span', 'follow-seg', pre, asHex.checked ? S.hexDump(p.bytes) + '\n' : escapeBytes(p.bytes));
				span.dataset.event = p.i;
				span.title = 'event ' + p.i;
				count += p.bytes.length;
				if (p.missing) { html('span', 'follow-gap', pre, '[' + p.missing + ' more bytes: not in the timeline]'); lost += p.missing; }
			});
			if (!pieces.length) html('p', 'hint', col, 'No data this way.');
			html('p', 'sub', col, count + ' bytes shown' + (lost ? ', ' + lost + ' not available' : ''));
			return col;
		}

		body.addEventListener('click', function (e) {
			var seg = e.target.closest('[data-event]');
			if (seg) dispatch({ type: 'select', index: Number(seg.dataset.event) });
		});

		function update(st) {
			last = st;
			var f = st.flow !== null ? model.flowById[st.flow] : null;
			var tcp = f && String(f.proto).toLowerCase() === 'tcp';
			root.hidden = !tcp;
			if (!tcp || shown === f.id + '/' + model.version) return;   /* version: events read since (worker.js) */
			shown = f.id + '/' + model.version;
			note.textContent = 'flow ' + f.id + ': the payload each way, in sequence order, each byte once (resends not repeated)';
			body.replaceChildren(
				column('client → server  ' + S.formatEndpoint(f.client), reassemble(model, f.id, 'c2s')),
				column('server → client  ' + S.formatEndpoint(f.server), reassemble(model, f.id, 's2c')));
		}

		return { update: update };
	}

	S.reassemble = reassemble;
	S.createFollow = createFollow;
})(window.Sockscope = window.Sockscope || {});
