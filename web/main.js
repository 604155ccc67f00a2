/* sockscope viewer: wiring.
 *
 * Finds the timeline (inlined in the page, ?src=path.json, or a file the reader
 * picks or drops), builds the model and the views, and owns the one `state`
 * object.  Views call dispatch(action); dispatch changes state and updates every
 * view.  Testability contract: body[data-state] is "loading", "partial" (the
 * first screen is drawn, the rest is loading), "ready" (all loaded), "start" or
 * "error" (with the message in #error); body[data-events] is the count of events
 * loaded so far; body[data-stopped] says where and why reading stopped early.
 */
(function (S) {
	'use strict';

	var PLAY_MS = 1500;
	var FIRST_SCREEN = 60;    /* events enough to fill the first screen: the ladder shows at most ~26 rows (900 px), the list 16 */
	var PROGRESS_MS = 100;    /* how often the progress line changes while reading */
	var SLIM_BYTES = 256 * 1024 * 1024;   /* a file bigger than this keeps slim events */
	var SLICED_SEARCH = 50000;            /* events above which the filter searches in slices */
	/* Reading in a Web Worker is opt-in: on a 2-core machine it frees the page's thread
	 * while a big timeline loads, but is not faster to `ready` (docs/web.md). */
	var READ_IN_WORKER = new URLSearchParams(location.search).get('reader') === 'worker';
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
		var hits = model.remote ? S.remoteMatch(model, state.query)
			: model.count > SLICED_SEARCH ? S.sliceMatch(model, state.query, matched(model), searchProgress)
			: S.matchRows(model, state.query);
		if (hits === undefined) return;      /* still searching: the rows shown stay until the matches are in */
		var rows = S.filterRows(model, state);
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

	/* Every view scrolls first and draws after: a scroll set after another view has drawn
	 * makes the browser lay the page out there and then (ladder.js, list.js). */
	function render() {
		views.forEach(function (v) { if (v.prepare) v.prepare(state); });
		views.forEach(function (v) { v.update(state); });
		if (model.remote) S.remoteFetch(model);
		readSelected();
	}

	function searchProgress() { if (filterView) filterView.update(state); }

	/* The filter's matches for model are in (searched in slices on this page). */
	function matched(m) {
		return function () { if (m === model) remoteAnswer('match'); };
	}

	/* Events (or the filter's matches) from the worker that read a big timeline. */
	var redraw = 0;
	function remoteAnswer(what, ids) {
		if (what === 'match') {
			refilter();
			if (state.rows.length && S.lowerBound(state.rows, state.selected) >= state.rows.length) state.selected = state.rows[0];
			state.reveal++;
		} else {
			model.version++;
			if (ids.indexOf(state.selected) >= 0) redrawDetails();
		}
		if (!redraw) redraw = requestAnimationFrame(function () { redraw = 0; render(); });
	}

	/* The details panel draws an event once: draw it again (in its own pane: a new panel
	 * would make the browser lay the whole page out again). */
	function redrawDetails() {
		var at = views.findIndex(function (v) { return v.isDetails; });
		if (at >= 0) views[at].again();
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

	/* The reading under way (preload.js's readTimeline); a new one cancels it. */
	var job = null, pendingName = 'sockscope';

	/* The first chunk is looked at before any parsing: a capture or another
	 * foreign file ends in a message that says what it is and what to run. */
	function sniffed(next, name) {
		var first = true;
		return function () {
			return next().then(function (chunk) {
				if (!first) return chunk;
				first = false;
				var foreign = chunk === null ? S.sniffText('', name)
					: typeof chunk === 'string' ? S.sniffText(chunk, name) : S.sniffBytes(chunk.subarray(0, 64), name);
				if (foreign) throw new Error(foreign);
				return chunk;
			});
		};
	}

	/* next(), with the time its chunks kept the reader waiting added to job.waitMs:
	 * bytes still on the network, or a report's page still being parsed by the
	 * browser.  That time is the page's to load, not the viewer's to work. */
	function waited(next, job) {
		return function () {
			var asked = performance.now();
			return next().then(function (chunk) {
				job.waitMs += performance.now() - asked;
				return chunk;
			});
		};
	}

	/* The views over a model.  A model from the first events (`partial`) is
	 * replaced by the whole one; the reader's place (selection, filters, zoom)
	 * carries over. */
	function show(doc, complete, problem, worker) {
		var started = performance.now(), previous = job && job.shownPartial ? state : null;
		try {
			var next = worker ? S.remoteModel(doc, worker, remoteAnswer) : S.derive(S.createModel(S.kernelPrepare(doc)));
		} catch (e) {
			if (job) job.cancelled = true;
			hideProgress();
			showError(e.message);
			return false;
		}
		if (model && model.remote && model !== next) model.remote.worker.terminate();
		model = next;
		model.slim = !!(job && job.slim);     /* its events keep no explanation (preload.js) */
		fileName = pendingName;
		var built = performance.now();
		$('error').hidden = true;
		$('start').hidden = true;
		$('app').hidden = false;
		setHeader();
		state = initialState();
		if (previous && complete) ['selected', 'flow', 'flaggedOnly', 'protos', 'axis', 'zoom', 'teaching', 'graphDir']
			.forEach(function (k) { state[k] = previous[k]; });
		refilter();
		ladder = S.createLadder($('ladder'), model, dispatch);
		filterView = S.createFilter($('search'), model, dispatch);
		views = [filterView, ladder, S.createList($('list'), model, dispatch), detailsView(),
			S.createFlows($('flows'), model, dispatch), S.createStevens($('stevens'), model, dispatch),
			S.createTeach($('steps'), $('stage'), model, dispatch), S.createKernel($('kernel'), model, dispatch),
			S.createFollow($('follow'), model, dispatch)];
		S.measureScrollers();
		if (new URLSearchParams(location.search).get('present') === '1') reducers.present({ on: true });
		else document.body.classList.remove('present');
		render();
		var done = performance.now();
		document.body.dataset.events = String(model.count);
		if (complete) {
			var t = job || {};
			/* the viewer's own work: from the first chunk to ready, less the waits for chunks */
			var waitMs = t.waitMs || 0, json = Math.max(0, (t.parseMs || 0) - waitMs);
			S.timing = { read: t.readMs || 0, wait: waitMs, json: json, model: built - started, parse: json + built - started,
				render: done - built, total: done - (t.started || started) - waitMs, events: model.count,
				dataAt: t.started || started, partialAt: t.partialAt || null, readyAt: done,
				rows: t.rows ? t.rows.at.length : 0 };
			showProblem(problem, model.count);
			setPageState('ready');
		} else {
			if (job) { job.partialAt = done; job.shownPartial = true; }
			setPageState('partial');
		}
		return true;
	}

	/* ---- progress and where reading stopped ---- */

	function progressBox() {
		var box = $('load-progress');
		if (!box) {
			box = document.createElement('div');
			box.id = 'load-progress';
			box.setAttribute('role', 'status');
			box.style.cssText = 'padding: 4px 16px; font-size: 13px;';
			document.querySelector('header').after(box);
		}
		return box;
	}

	function showProgress(events, bytes, total) {
		var box = progressBox(), text = 'Loading ' + pendingName + ': ' + S.formatCount(events) + ' events';
		if (total > 0) text += ', ' + Math.min(100, Math.floor(bytes * 100 / total)) + '%';
		box.className = 'loading';
		box.textContent = text + '…';
		box.hidden = false;
		document.body.dataset.events = String(events);
	}

	function hideProgress() {
		var box = $('load-progress');
		if (box) box.hidden = true;
	}

	function showProblem(problem, count) {
		if (!problem) { hideProgress(); return; }
		var box = progressBox();
		box.className = 'load-problem';
		box.textContent = 'Reading ' + fileName + ' stopped: ' + problem + '. Shown: the ' +
			S.formatCount(count) + ' events read before.';
		box.hidden = false;
		document.body.dataset.stopped = problem;
	}

	/* Reads the timeline from next() (chunks of text or bytes); total: its size, if known;
	 * file: the File it comes from, if any (a big one's events are kept slim). */
	function read(next, name, total, readMs, file, rowsLater) {
		if (job) {
			job.cancelled = true;
			if (job.worker && !(model && model.remote && model.remote.worker === job.worker)) job.worker.terminate();
		}
		stopPlaying();
		/* the current timeline stays until the new one can be shown */
		pendingName = String(name || 'sockscope').split('/').pop();
		var source = next;
		delete document.body.dataset.stopped;
		setPageState('loading');
		var mine = job = { cancelled: false, started: performance.now(), readMs: readMs || 0, waitMs: 0, file: file || null,
			rowsLater: rowsLater || null,
			slim: !!file && file.size > (window.SockscopeSlimBytes || SLIM_BYTES) };
		next = waited(sniffed(next, pendingName), mine);
		showProgress(0, 0, total);
		var handlers = {
			head: function (doc) {
				if (mine.cancelled) return;
				show(doc, false, null);
				if (source.hold) source.hold();     /* a report: the rest once the page is parsed */
			},
			progress: function (n, bytes) {
				/* a few times a second: each change costs the page a style and layout pass */
				var now = performance.now();
				if (mine.cancelled || now - (mine.shownAt || 0) < PROGRESS_MS) return;
				mine.shownAt = now;
				showProgress(n, bytes, total);
			},
			done: function (doc, problem, worker) {
				if (mine.cancelled) return;
				mine.parseMs = performance.now() - mine.started;
				show(doc, true, problem, worker);
			},
			fail: function (message) { if (!mine.cancelled) { hideProgress(); showError(message); } }
		};
		if (!READ_IN_WORKER) { S.readTimeline(next, handlers, FIRST_SCREEN, mine); return; }
		/* ?reader=worker: a small timeline is read here, a big one in a worker (worker.js). */
		S.probeTimeline(next).then(function (probe) {
			if (mine.cancelled) return;
			var rest = S.replayChunks(probe, next);
			if (probe.ended || !S.readInWorker(rest, handlers, FIRST_SCREEN, mine))
				S.readTimeline(rest, handlers, FIRST_SCREEN, mine);
		}, function (e) { handlers.fail(e && e.message ? e.message : String(e)); });
	}

	function detailsView() {
		var v = S.createDetails($('details'), model, dispatch, readAhead);
		v.isDetails = true;
		return v;
	}

	/* Whether event i is a slim one (a big file's, see preload.js) that readSelected will
	 * read in full: the details wait for that, instead of drawing twice in a moment. */
	function readAhead(i) {
		var ev = model.events[i];
		return !!(ev && ev._at !== undefined && job && job.file && !ev._unreadable);
	}

	function readSelected() {
		var i = state ? state.selected : -1, ev = i >= 0 && model ? model.events[i] : null;
		if (!ev || !readAhead(i) || ev._reading) return;
		ev._reading = true;
		var m = model;
		S.readFullEvent(job.file, ev).then(function (full) {
			if (m !== model) return;
			if (full) model.events[i] = full;
			else ev._unreadable = true;       /* the details show what the row kept */
			if (state.selected !== i) return;
			redrawDetails();
			render();
		}, function () {
			ev._unreadable = true;
			if (m === model && state.selected === i) { redrawDetails(); render(); }
		});
	}

	/* A timeline's whole text (kept for callers of Sockscope.app.load). */
	function load(text, name, readMs) {
		read(S.textChunks([text]), name, text.length, readMs);
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
		read(S.fileChunks(file), file.name, file.size, 0, file);
	}

	/* preload.js has usually started the request already. */
	function loadUrl(src) {
		var pre = S.preload && S.preload.src === src ? S.preload.response : null;
		S.preload = null;
		setPageState('loading');
		(pre || fetch(src)).then(function (r) {
			var size = Number(r.headers.get('content-length')) || 0;
			read(S.responseChunks(r), src, size);
		}).catch(function (e) {
			showError('Could not load ' + src + ': ' + e.message +
				(location.protocol === 'file:' ? ' (pages opened from disk cannot fetch files; use Open… instead)' : ''));
		});
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
		if (!state || !model || !/^(ready|partial|error)$/.test(page) || e.ctrlKey || e.metaKey || e.altKey) return;
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
		input.accept = '.json,.jsonl,application/json,application/jsonl';
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

	/* A report's rows (src/timeline/report_rows.c), once the page is parsed (they
	 * stand at its end): a promise of them, or of null when there are none or they
	 * cannot be read (the timeline holds all they do: it is then read without). */
	function reportRows() {
		return S.whenParsed().then(function () {
			var texts = Array.prototype.map.call(document.getElementsByClassName('sockscope-rows'),
				function (el) { return el.textContent; });
			return texts.length ? S.readReportRows(texts) : null;
		}).catch(function (e) {
			if (window.console) console.warn('sockscope: ' + (e && e.message ? e.message : e) + '; reading the timeline alone');
			return null;
		});
	}

	/* A report's timeline: its pieces as they are, or inflated (src/timeline/report.c). */
	function readReport(inline, readMs) {
		var encoding = inline.encoding();
		if (!encoding) return read(inline, 'report', 0, readMs);
		try {
			if (encoding !== 'deflate-raw;base64')
				throw new Error('This report\'s timeline is written as "' + S.clip(encoding, 60) +
					'", which this page cannot read: write it again with this sockscope.');
			read(S.inflatedChunks(inline), 'report', 0, readMs, null, READ_IN_WORKER ? null : reportRows);
		} catch (e) {
			showError(e.message);
		}
	}

	/* Runs as soon as main.js does: a report's timeline is read while the browser
	 * still parses its later pieces (see Sockscope.inlineChunks). */
	function start() {
		wireStart();
		var t0 = performance.now(), inline = S.inlineChunks();
		var src = new URLSearchParams(location.search).get('src');
		inline.first().then(function (report) {
			if (report) readReport(inline, performance.now() - t0);
			else if (src) loadUrl(src);
			else showStart();
		});
	}

	S.app = {
		dispatch: dispatch,
		exportSvg: function () { return ladder ? ladder.exportSvg() : ''; },
		state: function () { return state; },
		model: function () { return model; },
		laneX: function (lane) { return ladder ? ladder.laneX(lane) : -1; },
		load: load
	};

	start();
})(window.Sockscope = window.Sockscope || {});
