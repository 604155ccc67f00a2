/* sockscope viewer: wiring.
 *
 * Finds the timeline (inlined in the page, ?src=path.json, or a file the reader
 * picks or drops), builds the model and the views, and owns the one `state`
 * object.  Views call dispatch(action); dispatch changes state and updates every
 * view.  Testability contract: body[data-state] is "loading", "start", "ready" or
 * "error" (with the message in #error).
 */
(function (S) {
	'use strict';

	var PLAY_MS = 1500;
	var model = null, views = [], ladder = null, filterView = null, state = null, timer = 0, fileName = 'sockscope';

	function $(id) { return document.getElementById(id); }

	function setPageState(name) { document.body.dataset.state = name; }

	/* A timeline already on screen stays there, title and all: only the message is added. */
	function showError(message) {
		stopPlaying();
		var box = $('error');
		box.textContent = S.clip ? S.clip(message, 1000) : message;
		box.hidden = false;
		if (!model) {
			$('app').hidden = true;
			showStart();
		}
		setPageState('error');
	}

	function showStart() {
		$('start').hidden = false;
		if (document.body.dataset.state !== 'error') setPageState('start');
		loadCaptureMenu();
	}

	/* ---- state ---- */

	function initialState() {
		return { selected: -1, reveal: 0, flow: null, flaggedOnly: false,
			protos: { tcp: true, udp: true, icmp: true, app: true, other: true },
			axis: 'even', zoom: 1, teaching: false, playing: false, graphDir: 'auto',
			rows: new Int32Array(0), filterVersion: 0, query: '', present: false, speed: PLAY_MS };
	}

	function refilter() {
		var rows = S.filterRows(model, state), hits = S.matchRows(model, state.query);
		if (hits) rows = rows.filter(function (i) { return hits[i] === 1; });
		state.rows = rows;
		state.filterVersion++;
	}

	/* Position of the selection among the shown rows after moving by delta. */
	function stepTarget(delta) {
		var rows = state.rows;
		if (!rows.length) return -1;
		if (state.selected < 0) return delta > 0 ? rows[0] : rows[rows.length - 1];
		var pos = S.lowerBound(rows, state.selected);
		if (pos < rows.length && rows[pos] === state.selected) pos += delta;
		else if (delta < 0) pos -= 1;
		pos = Math.max(0, Math.min(rows.length - 1, pos));
		return rows[pos];
	}

	var reducers = {
		select: function (a) { state.selected = a.index; state.reveal++; },
		step: function (a) {
			var target = stepTarget(a.delta);
			if (target === state.selected && state.playing) stopPlaying();
			if (target >= 0) { state.selected = target; state.reveal++; }
		},
		first: function () { if (state.rows.length) { state.selected = state.rows[0]; state.reveal++; } },
		last: function () { if (state.rows.length) { state.selected = state.rows[state.rows.length - 1]; state.reveal++; } },
		flow: function (a) { state.flow = a.id; refilter(); state.reveal++; },
		proto: function (a) { state.protos[a.name] = !!a.on; refilter(); },
		flagged: function (a) { state.flaggedOnly = !!a.on; refilter(); },
		axis: function (a) { state.axis = a.mode === 'time' ? 'time' : 'even'; state.reveal++; },
		zoom: function (a) {
			state.zoom = a.factor ? Math.max(0.1, Math.min(25, state.zoom * a.factor)) : 1;
			state.reveal++;
		},
		teach: function (a) { state.teaching = !!a.on; if (state.teaching) state.reveal++; },
		query: function (a) {
			if (String(a.text || '') === state.query) return;
			state.query = String(a.text || '');
			refilter();
			if (state.rows.length && S.lowerBound(state.rows, state.selected) >= state.rows.length) state.selected = state.rows[0];
			state.reveal++;
		},
		present: function (a) {
			state.present = a.on === undefined ? !state.present : !!a.on;
			if (state.present) state.teaching = true;
			if (state.present && state.selected < 0 && state.rows.length) state.selected = state.rows[0];
			document.body.classList.toggle('present', state.present);
			state.reveal++;
		},
		play: function (a) {
			var on = a.on === undefined ? !state.playing : !!a.on;
			if (on) startPlaying(); else stopPlaying();
		},
		graphDir: function (a) { state.graphDir = a.dir; },
		speed: function (a) {
			state.speed = Math.max(200, Math.min(10000, Number(a.ms) || PLAY_MS));
			if (timer) { stopPlaying(); startPlaying(); }
		},
		export: function () { downloadSvg(); }
	};

	function dispatch(action) {
		if (!state || !reducers[action.type]) return;
		reducers[action.type](action);
		render();
	}

	function render() {
		views.forEach(function (v) { v.update(state); });
	}

	function startPlaying() {
		if (timer) return;
		state.playing = true;
		if (state.selected < 0 && state.rows.length) { state.selected = state.rows[0]; state.reveal++; }
		timer = setInterval(function () { dispatch({ type: 'step', delta: 1 }); }, state.speed || PLAY_MS);
	}

	function stopPlaying() {
		if (timer) clearInterval(timer);
		timer = 0;
		if (state) state.playing = false;
	}

	/* ---- export ---- */

	function downloadSvg() {
		var text = ladder.exportSvg();
		var url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
		var a = document.createElement('a');
		a.href = url;
		a.download = fileName.replace(/\.json$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_') + '-ladder.svg';
		document.body.appendChild(a);
		a.click();
		a.remove();
		setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
	}

	/* ---- loading ---- */

	/* text: the timeline; readMs: how long joining the report's pieces took, for
	 * Sockscope.timing. */
	function load(text, name, readMs) {
		var started = performance.now(), doc, built;
		stopPlaying();
		var foreign = S.sniffText(text, String(name || '').split('/').pop());
		if (foreign) { showError(foreign); return; }
		try {
			doc = S.parseJson(text);
			var json = performance.now();
			built = S.derive(S.createModel(doc));
		} catch (e) {
			showError(e.message);
			return;
		}
		model = built;
		fileName = String(name || 'sockscope').split('/').pop();
		var parsed = performance.now();
		$('error').hidden = true;
		$('start').hidden = true;
		$('app').hidden = false;
		setHeader();
		state = initialState();
		refilter();
		ladder = S.createLadder($('ladder'), model, dispatch);
		filterView = S.createFilter($('search'), model, dispatch);
		views = [filterView, ladder, S.createList($('list'), model, dispatch), S.createDetails($('details'), model, dispatch),
			S.createFlows($('flows'), model, dispatch), S.createStevens($('stevens'), model, dispatch),
			S.createTeach($('steps'), $('stage'), model, dispatch), S.createFollow($('follow'), model, dispatch)];
		S.measureScrollers();
		if (new URLSearchParams(location.search).get('present') === '1') reducers.present({ on: true });
		else document.body.classList.remove('present');
		render();
		var done = performance.now();
		S.timing = { read: readMs || 0, json: json - started, model: parsed - json, parse: parsed - started,
			render: done - parsed, total: done - started, events: model.count, dataAt: started, readyAt: done };
		setPageState('ready');
	}

	function setHeader() {
		var doc = model.doc, title, sub = '';
		if (S.isObject(doc.demo) && doc.demo.name) {
			title = 'Demo: ' + doc.demo.name;
			sub = doc.demo.description || '';
		} else {
			title = S.isObject(doc.source) && doc.source.path ? String(doc.source.path) : fileName;
		}
		title = S.clip(title, 200);
		$('title').textContent = title;
		$('subtitle').textContent = S.clip(sub, 500);
		document.title = title + ' · sockscope';
	}

	function loadFile(file) {
		if (!file) return;
		setPageState('loading');
		file.slice(0, 8).arrayBuffer().then(function (head) {
			var foreign = S.sniffBytes(new Uint8Array(head), file.name);
			if (foreign) { showError(foreign); return; }
			return file.text().then(function (text) { load(text, file.name); });
		}).catch(function (e) { showError('Could not read ' + file.name + ': ' + e.message); });
	}

	/* preload.js has usually started the request already. */
	function loadUrl(src) {
		setPageState('loading');
		var pre = S.preload && S.preload.src === src ? S.preload.text : null;
		S.preload = null;
		(pre || S.fetchText(src)).then(function (text) { load(text, src, 0); }, function (e) {
			showError('Could not load ' + src + ': ' + e.message +
				(location.protocol === 'file:' ? ' (pages opened from disk cannot fetch files; use Open… instead)' : ''));
		});
	}

	/* The report's timeline, in one or more pieces (see src/timeline/report.c). */
	function inlineTimeline() {
		var pieces = document.querySelectorAll('script.sockscope-timeline'), parts = [];
		for (var i = 0; i < pieces.length; i++) parts.push(pieces[i].textContent);
		return parts.join('');
	}

	/* Only on the bare start page: a missing index.json is a 404 the console shows. */
	var menuTried = false;
	function loadCaptureMenu() {
		if (menuTried || !/^https?:$/.test(location.protocol) || location.search) return;
		menuTried = true;
		var indexUrl = new URL('../captures/index.json', location.href);
		fetch(indexUrl).then(function (r) { return r.ok ? r.json() : null; }).then(function (list) {
			if (!Array.isArray(list) || !list.length) return;
			var menu = $('captures');
			var items = list.filter(S.isObject).map(function (c) {
				var li = S.dom.html('li');
				S.dom.html('a', '', li, String(c.name || c.file)).href =
					'?src=' + encodeURIComponent(new URL(String(c.file), indexUrl).pathname);
				if (c.description) S.dom.html('span', '', li, ' ' + String(c.description));
				return li;
			});
			menu.replaceChildren.apply(menu, items);
			$('captures-box').hidden = false;
		}).catch(function () { /* no bundled captures: say nothing */ });
	}

	/* ---- keys ---- */

	var KEYS = {
		ArrowDown: { type: 'step', delta: 1 }, j: { type: 'step', delta: 1 },
		ArrowUp: { type: 'step', delta: -1 }, k: { type: 'step', delta: -1 },
		ArrowRight: { type: 'step', delta: 1 }, n: { type: 'step', delta: 1 },
		ArrowLeft: { type: 'step', delta: -1 }, p: { type: 'step', delta: -1 },
		Home: { type: 'first' }, End: { type: 'last' },
		'+': { type: 'zoom', factor: 1.25 }, '=': { type: 'zoom', factor: 1.25 },
		'-': { type: 'zoom', factor: 0.8 }, '0': { type: 'zoom', factor: 0 }
	};

	function onKey(e) {
		var page = document.body.dataset.state;
		if (!state || !model || (page !== 'ready' && page !== 'error') || e.ctrlKey || e.metaKey || e.altKey) return;
		var target = e.target, tag = target && target.tagName;
		var typing = tag === 'INPUT' && !/^(checkbox|radio|button)$/.test(target.type);
		if (typing || tag === 'SELECT' || tag === 'TEXTAREA' || (target && target.isContentEditable)) return;
		var action = KEYS[e.key];
		if (e.key === '/') {
			e.preventDefault();
			if (filterView) filterView.focus();
			return;
		}
		if (e.key === ' ') {
			/* In teaching mode space plays, even with focus on a check box just clicked. */
			var box = tag === 'INPUT' && target.type === 'checkbox';
			if (tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A' || (tag === 'INPUT' && !(box && state.teaching))) return;
			action = { type: 'play' };
		} else if (e.key === 'P') {
			action = { type: 'present' };
		} else if (e.key === 't') {
			action = { type: 'axis', mode: state.axis === 'time' ? 'even' : 'time' };
		} else if (e.key === 'Escape') {
			action = state.playing ? { type: 'play', on: false } : { type: 'flow', id: null };
		}
		if (!action) return;
		e.preventDefault();
		dispatch(action);
	}

	/* ---- start ---- */

	function wireStart() {
		var input = $('file-input');
		input.addEventListener('change', function () { loadFile(input.files[0]); input.value = ''; });
		$('open-file').addEventListener('click', function () { input.click(); });
		$('pick-file').addEventListener('click', function () { input.click(); });
		document.addEventListener('dragover', function (e) {
			e.preventDefault();
			document.body.classList.add('dragging');
		});
		document.addEventListener('dragleave', function (e) {
			if (!e.relatedTarget) document.body.classList.remove('dragging');
		});
		document.addEventListener('drop', function (e) {
			e.preventDefault();
			document.body.classList.remove('dragging');
			if (e.dataTransfer && e.dataTransfer.files.length) loadFile(e.dataTransfer.files[0]);
		});
		document.addEventListener('keydown', onKey);
	}

	function start() {
		wireStart();
		var t0 = performance.now(), inline = inlineTimeline();
		var src = new URLSearchParams(location.search).get('src');
		if (inline && inline.trim()) load(inline, 'report', performance.now() - t0);
		else if (src) loadUrl(src);
		else showStart();
	}

	S.app = {
		dispatch: dispatch,
		exportSvg: function () { return ladder ? ladder.exportSvg() : ''; },
		state: function () { return state; },
		model: function () { return model; },
		laneX: function (lane) { return ladder ? ladder.laneX(lane) : -1; },
		load: load
	};

	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
	else start();
})(window.Sockscope = window.Sockscope || {});
