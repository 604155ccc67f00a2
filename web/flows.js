/* sockscope viewer: the flows table and the filters.
 *
 * One row per flow, Zeek style (conn_state, history), packets and bytes each way,
 * handshake RTT.  Choosing a row filters the diagram and the list to that flow;
 * the check boxes filter by protocol and to flagged packets only.
 */
(function (S) {
	'use strict';

	var dom = S.dom, html = dom.html;
	var PROTOS = [['tcp', 'TCP'], ['udp', 'UDP'], ['icmp', 'ICMP'], ['app', 'socket calls']];

	function pair(a, b) {
		if (typeof a !== 'number' && typeof b !== 'number') return '';
		return (typeof a === 'number' ? a : '?') + ' / ' + (typeof b === 'number' ? b : '?');
	}

	function analysisText(a) {
		if (!S.isObject(a)) return '';
		return Object.keys(a).filter(function (k) { return a[k]; }).map(function (k) {
			return k + (a[k] > 1 ? ' ×' + a[k] : '');
		}).join(', ');
	}

	function createFlows(root, model, dispatch) {
		var bar = dom.panel(root, 'flows-panel', 'Flows');
		var filters = dom.group(html('div', 'filters', bar), 'Filter events');
		var boxes = {};
		PROTOS.forEach(function (p) {
			var box = dom.checkbox(filters, 'check', p[1], function (on) { dispatch({ type: 'proto', name: p[0], on: on }); });
			box.dataset.proto = p[0];
			boxes[p[0]] = box;
		});
		var flagged = dom.checkbox(filters, 'check flagged-only', 'only flagged', function (on) {
			dispatch({ type: 'flagged', on: on });
		});
		flagged.id = 'only-flagged';
		var all = dom.button(filters, 'all-flows', 'All flows', function () { dispatch({ type: 'flow', id: null }); });

		var wrap = html('div', 'flows-scroll', root);
		var table = html('table', 'flows', wrap);
		var headRow = html('tr', '', html('thead', '', table));
		['Flow', 'Proto', 'Client', 'Server', 'State', 'History', 'Packets c→s / s→c', 'Bytes c→s / s→c',
			'Handshake RTT', 'Duration', 'Analysis'].forEach(function (h) { html('th', '', headRow, h).scope = 'col'; });
		var tbody = html('tbody', '', table);
		var narrative = html('p', 'narrative', root);
		var rowsById = Object.create(null);

		/* A long table costs layout time on every load: the first FIRST_ROWS, then on request. */
		var FIRST_ROWS = 250;
		var more = dom.button(null, 'more-flows', 'Show all ' + S.formatCount(model.flows.length) + ' flows', function () {
			more.remove();
			model.flows.slice(FIRST_ROWS).forEach(addRow);
			if (state) update(state);
		});
		var state = null;

		function addRow(f) {
			var tr = html('tr', 'flow-row', tbody);
			tr.dataset.flow = f.id;
			tr.tabIndex = 0;
			tr.setAttribute('aria-label', 'Flow ' + f.id + ': ' + (f.proto || '') + ' ' +
				S.formatEndpoint(f.client) + ' to ' + S.formatEndpoint(f.server) + '. Press Enter to show only this flow.');
			html('td', 'num', tr, f.id);
			html('td', 'proto', tr, f.proto ? String(f.proto).toUpperCase() : '');
			html('td', 'mono', tr, S.formatEndpoint(f.client));
			html('td', 'mono', tr, S.formatEndpoint(f.server));
			var cs = html('td', 'mono conn-state', tr, f.conn_state || '');
			if (f.conn_state && S.CONN_STATES[f.conn_state]) cs.title = S.CONN_STATES[f.conn_state];
			var hist = html('td', 'mono', tr, f.history || '');
			if (f.history) hist.title = S.explainHistory(String(f.history));
			html('td', 'num', tr, pair(f.packets_c2s, f.packets_s2c) || (f.packets === undefined ? '' : f.packets));
			html('td', 'num', tr, pair(f.bytes_c2s, f.bytes_s2c) || (f.bytes === undefined ? '' : f.bytes));
			html('td', 'num', tr, S.formatDuration(f.handshake_rtt));
			html('td', 'num', tr, typeof f.first_t === 'number' && typeof f.last_t === 'number'
				? S.formatDuration(f.last_t - f.first_t) : '');
			var an = html('td', 'analysis', tr, analysisText(f.analysis) +
				(f.icmp_errors ? (f.analysis && analysisText(f.analysis) ? ', ' : '') + f.icmp_errors + ' ICMP error(s)' : ''));
			if (an.textContent) tr.classList.add('has-flags');
			rowsById[f.id] = tr;
		}
		model.flows.slice(0, FIRST_ROWS).forEach(addRow);
		if (model.flows.length > FIRST_ROWS) wrap.appendChild(more);
		if (!model.flows.length) {
			var empty = html('td', 'empty', html('tr', '', tbody), 'No flows in this timeline.');
			empty.colSpan = 11;
		}

		function choose(tr) {
			var id = Number(tr.dataset.flow);
			dispatch({ type: 'flow', id: tr.classList.contains('chosen') ? null : id });
		}
		tbody.addEventListener('click', function (e) {
			var tr = e.target.closest('[data-flow]');
			if (tr) choose(tr);
		});
		tbody.addEventListener('keydown', function (e) {
			var tr = e.target.closest('[data-flow]');
			if (tr && (e.key === 'Enter' || e.key === ' ')) {
				e.preventDefault();
				e.stopPropagation();
				choose(tr);
			}
		});

		function update(st) {
			state = st;
			PROTOS.forEach(function (p) { boxes[p[0]].checked = st.protos[p[0]] !== false; });
			flagged.checked = !!st.flaggedOnly;
			all.disabled = st.flow === null;
			Object.keys(rowsById).forEach(function (id) {
				var on = st.flow !== null && String(st.flow) === id;
				rowsById[id].classList.toggle('chosen', on);
				rowsById[id].setAttribute('aria-selected', String(on));
			});
			var f = st.flow !== null ? model.flowById[st.flow] : null;
			var text = '';
			if (f) {
				text = 'Flow ' + f.id + (f.conn_state && S.CONN_STATES[f.conn_state]
					? ' (' + f.conn_state + ': ' + S.CONN_STATES[f.conn_state] + ')' : '') +
					(f.narrative ? ' ' + f.narrative : '');
			} else if (model.flows.length) {
				text = 'Choose a flow to show only its events.';
			}
			narrative.textContent = text;
		}

		return { update: update };
	}

	S.createFlows = createFlows;
})(window.Sockscope = window.Sockscope || {});
