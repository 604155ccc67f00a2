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
		return S.clip(Object.keys(a).filter(function (k) { return a[k]; }).map(function (k) {
			return k + (a[k] > 1 ? ' ×' + a[k] : '');
		}).join(', '), 400);
	}

	/* Columns: sort key and heading. */
	var COLUMNS = [['id', 'Flow'], ['proto', 'Proto'], ['client', 'Client'], ['server', 'Server'], ['state', 'State'],
		['history', 'History'], ['packets', 'Packets c→s / s→c'], ['bytes', 'Bytes c→s / s→c'], ['rtt', 'Handshake RTT'],
		['duration', 'Duration'], ['analysis', 'Analysis']];

	function total(a, b, whole) {
		return typeof a === 'number' || typeof b === 'number' ? (a || 0) + (b || 0) : (typeof whole === 'number' ? whole : -1);
	}

	var SORT_VALUE = {
		id: function (f) { return typeof f.id === 'number' ? f.id : -1; },
		proto: function (f) { return String(f.proto || ''); },
		client: function (f) { return S.formatEndpoint(f.client); },
		server: function (f) { return S.formatEndpoint(f.server); },
		state: function (f) { return String(f.conn_state || ''); },
		history: function (f) { return String(f.history || ''); },
		packets: function (f) { return total(f.packets_c2s, f.packets_s2c, f.packets); },
		bytes: function (f) { return total(f.bytes_c2s, f.bytes_s2c, f.bytes); },
		rtt: function (f) { return typeof f.handshake_rtt === 'number' ? f.handshake_rtt : -1; },
		duration: function (f) { return typeof f.first_t === 'number' && typeof f.last_t === 'number' ? f.last_t - f.first_t : -1; },
		analysis: function (f) { return analysisText(f.analysis); }
	};

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
		var sortKey = null, sortDown = false;
		COLUMNS.forEach(function (c) {
			var th = html('th', '', headRow);
			th.scope = 'col';
			th.dataset.sort = c[0];
			var b = dom.button(th, 'sort', c[1], function () { sortBy(c[0]); });
			b.title = 'Sort by ' + c[1].toLowerCase();
		});
		var tbody = html('tbody', '', table);
		var narrative = html('p', 'narrative', root);
		var rowsById = Object.create(null);

		/* A long table costs layout time on every load: the first FIRST_ROWS, then on request. */
		var FIRST_ROWS = 250;
		var more = dom.button(null, 'more-flows', 'Show all ' + S.formatCount(model.flows.length) + ' flows', function () {
			more.remove();
			model.flows.slice(FIRST_ROWS).forEach(addRow);
			chosen = undefined;       /* the new rows get their mark */
			if (state) update(state);
		});
		var state = null;

		/* Sort on a column; a second click on the same column reverses the order. */
		function sortBy(key) {
			sortDown = key === sortKey ? !sortDown : key === 'packets' || key === 'bytes' || key === 'duration' || key === 'rtt';
			sortKey = key;
			var get = SORT_VALUE[key];
			var ids = Object.keys(rowsById).map(function (id) { return model.flowById[id]; }).filter(Boolean);
			ids.sort(function (a, b) {
				var x = get(a), y = get(b);
				var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
				return (sortDown ? -c : c) || a.id - b.id;
			});
			ids.forEach(function (f) { tbody.appendChild(rowsById[f.id]); });
			headRow.querySelectorAll('th').forEach(function (th) {
				if (th.dataset.sort === key) th.setAttribute('aria-sort', sortDown ? 'descending' : 'ascending');
				else th.removeAttribute('aria-sort');
			});
		}

		/* One Tab stop for the whole table: the current row holds tabindex 0. */
		function setCurrent(tr) {
			var old = tbody.querySelector('[data-flow][tabindex="0"]');
			if (old && old !== tr) old.tabIndex = -1;
			if (tr) tr.tabIndex = 0;
		}

		function addRow(f) {
			var tr = html('tr', 'flow-row', tbody);
			tr.dataset.flow = f.id;
			tr.tabIndex = tbody.querySelector('[data-flow]') === tr ? 0 : -1;
			tr.setAttribute('aria-label', 'Flow ' + f.id + ': ' + (f.proto || '') + ' ' +
				S.formatEndpoint(f.client) + ' to ' + S.formatEndpoint(f.server) + '. Enter shows only this flow; up and down move between flows.');
			html('td', 'num', tr, f.id);
			html('td', 'proto', tr, f.proto ? String(f.proto).toUpperCase() : '');
			html('td', 'mono', tr, S.formatEndpoint(f.client));
			html('td', 'mono', tr, S.formatEndpoint(f.server));
			var cs = html('td', 'mono conn-state', tr, S.clip(f.conn_state || '', 20));
			if (S.own(S.CONN_STATES, f.conn_state)) cs.title = S.CONN_STATES[f.conn_state];
			var hist = html('td', 'mono', tr, S.clip(f.history || '', 40));
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
		/* The rows come with the first update, after the views have measured their
		 * scrollers (main.js): laid out once, in the frame, not also in that measure. */
		function addRows() {
			model.flows.slice(0, FIRST_ROWS).forEach(addRow);
			if (model.flows.length > FIRST_ROWS) wrap.appendChild(more);
			if (!model.flows.length) {
				var empty = html('td', 'empty', html('tr', '', tbody), 'No flows in this timeline.');
				empty.colSpan = 11;
			}
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
			if (!tr) return;
			var to = null;
			if (e.key === 'Enter' || e.key === ' ') {
				choose(tr);
			} else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
				to = e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling;
			} else if (e.key === 'Home' || e.key === 'End') {
				to = e.key === 'Home' ? tbody.firstElementChild : tbody.lastElementChild;
			} else {
				return;
			}
			e.preventDefault();
			e.stopPropagation();
			if (to && to.dataset.flow !== undefined) {
				setCurrent(to);
				to.focus();
			}
		});
		tbody.addEventListener('focusin', function (e) {
			var tr = e.target.closest('[data-flow]');
			if (tr) setCurrent(tr);
		});

		var chosen;      /* the flow the rows are marked for */
		function update(st) {
			if (!state) addRows();
			state = st;
			PROTOS.forEach(function (p) { boxes[p[0]].checked = st.protos[p[0]] !== false; });
			flagged.checked = !!st.flaggedOnly;
			all.disabled = st.flow === null;
			if (chosen !== st.flow) {     /* not on every key */
				chosen = st.flow;
				Object.keys(rowsById).forEach(function (id) {
					var on = st.flow !== null && String(st.flow) === id;
					rowsById[id].classList.toggle('chosen', on);
					rowsById[id].setAttribute('aria-selected', String(on));
				});
			}
			var f = st.flow !== null ? model.flowById[st.flow] : null;
			var text = '';
			if (f) {
				text = 'Flow ' + f.id + (S.own(S.CONN_STATES, f.conn_state)
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
