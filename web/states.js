/* sockscope viewer: a small RFC 9293 state diagram (section 3.3.2, figure 5).
 *
 * Sockscope.createStateDiagram(parent) draws the eleven states and the main
 * transitions once; show(client, server) lights up each side's state, the box
 * filled, outlined thickly and tagged with the side's name under it: colour is
 * not the only sign.  UNKNOWN, NONE or anything else lights nothing and the
 * title says so.
 */
(function (S) {
	'use strict';

	var el = S.dom.el;
	var BOX_W = 120, BOX_H = 24, GAP_X = 10, GAP_Y = 22;
	/* column, row of each state */
	var PLACE = {
		CLOSED: [1, 0], LISTEN: [2, 1], SYN_SENT: [0, 1], SYN_RECEIVED: [1, 2], ESTABLISHED: [1, 3],
		FIN_WAIT_1: [0, 4], CLOSE_WAIT: [2, 4], FIN_WAIT_2: [0, 5], CLOSING: [1, 5], LAST_ACK: [2, 5], TIME_WAIT: [0, 6]
	};
	var EDGES = [['CLOSED', 'LISTEN'], ['CLOSED', 'SYN_SENT'], ['LISTEN', 'SYN_RECEIVED'], ['SYN_SENT', 'SYN_RECEIVED'],
		['SYN_SENT', 'ESTABLISHED'], ['SYN_RECEIVED', 'ESTABLISHED'], ['SYN_RECEIVED', 'FIN_WAIT_1'], ['ESTABLISHED', 'FIN_WAIT_1'],
		['ESTABLISHED', 'CLOSE_WAIT'], ['FIN_WAIT_1', 'FIN_WAIT_2'], ['FIN_WAIT_1', 'CLOSING'], ['CLOSE_WAIT', 'LAST_ACK'],
		['FIN_WAIT_2', 'TIME_WAIT'], ['CLOSING', 'TIME_WAIT']];

	function centre(name) {
		var p = PLACE[name];
		return [8 + p[0] * (BOX_W + GAP_X) + BOX_W / 2, 30 + p[1] * (BOX_H + GAP_Y) + BOX_H / 2];
	}

	var SIDE_FILL = { client: '#bfdbfe', server: '#bbf7d0', both: '#fde68a' };

	function createStateDiagram(parent) {
		var width = 16 + 3 * BOX_W + 2 * GAP_X, height = 34 + 7 * (BOX_H + GAP_Y);
		var svg = el('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'rfc-states', role: 'img',
			'font-family': 'system-ui, sans-serif' }, parent);
		var title = el('text', { x: 8, y: 16, 'font-size': 14, 'font-weight': 700, fill: '#f8fafc' }, svg);
		EDGES.forEach(function (e) {
			var a = centre(e[0]), b = centre(e[1]);
			el('line', { x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: '#64748b', 'stroke-width': 1.2 }, svg);
		});
		var boxes = {};
		Object.keys(PLACE).forEach(function (name) {
			var c = centre(name), g = el('g', { 'data-state': name, class: 'rfc-state' }, svg);
			el('rect', { x: c[0] - BOX_W / 2, y: c[1] - BOX_H / 2, width: BOX_W, height: BOX_H, rx: 5, fill: '#1e293b',
				stroke: '#94a3b8', 'stroke-width': 1 }, g);
			var t = el('text', { x: c[0], y: c[1] + 4.5, 'text-anchor': 'middle', 'font-size': 12.5, fill: '#e2e8f0',
				'font-family': 'ui-monospace, monospace' }, g);
			t.textContent = name;
			var tag = el('text', { x: c[0], y: c[1] + BOX_H / 2 + 14, 'text-anchor': 'middle', 'font-size': 12.5,
				'font-weight': 700, fill: '#fde68a', class: 'rfc-tag' }, g);
			boxes[name] = { g: g, rect: g.firstChild, text: t, tag: tag };
		});

		function known(state) { return typeof state === 'string' && S.own(PLACE, state) ? state : null; }

		function say(side, state) {
			return side + ' ' + (known(state) || (state ? S.clip(String(state), 30) + ' (not on the diagram)' : 'not known yet'));
		}

		function show(client, server) {
			var c = known(client), s = known(server);
			title.textContent = say('client', client) + ' · ' + say('server', server);
			Object.keys(boxes).forEach(function (name) {
				var b = boxes[name], who = name === c && name === s ? 'both' : name === c ? 'client' : name === s ? 'server' : '';
				b.rect.setAttribute('fill', who ? SIDE_FILL[who] : '#1e293b');
				b.rect.setAttribute('stroke', who ? '#ffffff' : '#94a3b8');
				b.rect.setAttribute('stroke-width', who ? 3 : 1);
				b.text.setAttribute('fill', who ? '#0f172a' : '#e2e8f0');
				b.text.setAttribute('font-weight', who ? 700 : 400);
				b.tag.textContent = who === 'both' ? 'client and server' : who;
				if (who) b.g.setAttribute('aria-current', 'true'); else b.g.removeAttribute('aria-current');
			});
		}

		return { show: show, svg: svg };
	}

	S.createStateDiagram = createStateDiagram;
})(window.Sockscope = window.Sockscope || {});
