/* sockscope viewer: stepping and teaching mode.
 *
 * A bar of step controls (previous, play/pause, next, position) and, in teaching
 * mode, the current event's explanation in large type above the diagram.
 */
(function (S) {
	'use strict';

	var dom = S.dom, html = dom.html;

	function button(parent, id, text, title, action, dispatch) {
		var b = dom.button(parent, 'step', text, function () { dispatch(action); });
		b.id = id;
		b.title = title;
		b.setAttribute('aria-label', title);
		return b;
	}

	/* Time between steps when playing: [ms, name]. */
	var SPEEDS = [[3000, 'slow'], [1500, 'normal'], [700, 'fast']];
	var LOOK_BACK = 20000;

	function createTeach(barRoot, stageRoot, model, dispatch) {
		/* Each side's TCP state at event i: from the last packet of its flow up to i. */
		function statesAt(i) {
			var flow = model.flow[i];
			if (flow < 0) return null;
			for (var j = i; j >= 0 && j > i - LOOK_BACK; j--) {
				if (model.flow[j] !== flow || model.kind[j] !== S.KIND.packet) continue;
				var ev = model.events[j];
				if (model.proto[j] !== S.PROTO.tcp) return null;
				if (S.isObject(ev.state)) return { client: ev.state.client, server: ev.state.server };
			}
			return null;
		}

		barRoot.replaceChildren();
		barRoot.classList.add('step-bar');
		dom.group(barRoot, 'Step through events');
		button(barRoot, 'step-prev', '◀', 'Previous event (p or ←)', { type: 'step', delta: -1 }, dispatch);
		var play = button(barRoot, 'step-play', '▶ Play', 'Play or pause (space)', { type: 'play' }, dispatch);
		button(barRoot, 'step-next', '▶', 'Next event (n or →)', { type: 'step', delta: 1 }, dispatch);
		var where = html('span', 'step-where', barRoot);
		where.id = 'step-position';
		var speedLabel = html('label', 'speed', barRoot);
		html('span', '', speedLabel, 'Speed');
		var speed = html('select', '', speedLabel);
		speed.id = 'play-speed';
		SPEEDS.forEach(function (p) {
			var o = html('option', '', speed, p[1]);
			o.value = String(p[0]);
		});
		speed.addEventListener('change', function () { dispatch({ type: 'speed', ms: Number(speed.value) }); });
		var teach = dom.checkbox(barRoot, 'check teach-toggle', 'Teaching mode', function (on) {
			dispatch({ type: 'teach', on: on });
		});
		teach.id = 'teaching-mode';
		var present = dom.button(barRoot, 'present-toggle', 'Present', function () { dispatch({ type: 'present' }); });
		present.id = 'present-mode';
		present.title = 'Presentation mode: large type, the explanation beside the diagram (P)';

		stageRoot.replaceChildren();
		stageRoot.classList.add('stage');
		stageRoot.setAttribute('aria-live', 'polite');
		var stageHead = html('div', 'stage-head', stageRoot);
		var stageSummary = html('p', 'stage-summary', stageRoot);
		var stageDetail = html('p', 'stage-detail', stageRoot);
		var diagrams = html('div', 'stage-states', stageRoot);
		var stateDiagram = S.createStateDiagram(diagrams);

		function update(st) {
			var rows = st.rows, pos = st.selected >= 0 ? S.lowerBound(rows, st.selected) : -1;
			var inRows = pos >= 0 && pos < rows.length && rows[pos] === st.selected;
			where.textContent = st.selected < 0 ? S.formatCount(rows.length) + ' events'
				: (inRows ? 'event ' + S.formatCount((pos + 1)) + ' of ' + S.formatCount(rows.length)
					: 'event #' + st.selected + ' (hidden by the filter)');
			play.textContent = st.playing ? '❚❚ Pause' : '▶ Play';
			play.setAttribute('aria-pressed', String(st.playing));
			speed.value = String(st.speed || 1500);
			teach.checked = st.teaching;
			present.setAttribute('aria-pressed', String(!!st.present));
			present.textContent = st.present ? 'Leave presentation' : 'Present';
			stageRoot.hidden = !st.teaching;
			document.body.classList.toggle('teaching', st.teaching);
			if (!st.teaching) return;
			var ev = st.selected >= 0 ? model.events[st.selected] : null;
			if (!ev) {
				stageHead.textContent = 'Teaching mode';
				stageSummary.textContent = 'Press n or → to take the first step, space to play.';
				stageDetail.textContent = '';
				diagrams.hidden = true;
				return;
			}
			var states = statesAt(st.selected);
			diagrams.hidden = !states;
			if (states) stateDiagram.show(states.client, states.server);
			/* One counter (the bar's); the head says when and what. */
			stageHead.textContent = 't = ' + S.formatTime(model.t[st.selected]) + ' s · ' + S.clip(S.describe(ev), 200);
			var ex = S.isObject(ev.explain) ? ev.explain : {};
			stageSummary.textContent = S.clip(ex.summary || (ev.kind === 'note' ? ev.text : S.describe(ev)), 2000);
			stageDetail.textContent = S.clip(ex.detail || '', 6000);
		}

		return { update: update };
	}

	S.createTeach = createTeach;
})(window.Sockscope = window.Sockscope || {});
