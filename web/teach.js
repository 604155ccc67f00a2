/* sockscope viewer: stepping and teaching mode.
 *
 * A bar of step controls (previous, play/pause, next, position) and, in teaching
 * mode, the current event's explanation in large type above the diagram.
 */
(function (S) {
	'use strict';

	function html(tag, className, parent, text) {
		var node = document.createElement(tag);
		if (className) node.className = className;
		if (text !== undefined && text !== null) node.textContent = String(text);
		if (parent) parent.appendChild(node);
		return node;
	}

	function button(parent, id, text, title, action, dispatch) {
		var b = html('button', 'step', parent, text);
		b.type = 'button';
		b.id = id;
		b.title = title;
		b.setAttribute('aria-label', title);
		b.addEventListener('click', function () { dispatch(action); });
		return b;
	}

	function createTeach(barRoot, stageRoot, model, dispatch) {
		barRoot.replaceChildren();
		barRoot.classList.add('step-bar');
		barRoot.setAttribute('role', 'group');
		barRoot.setAttribute('aria-label', 'Step through events');
		button(barRoot, 'step-prev', '◀', 'Previous event (p or ←)', { type: 'step', delta: -1 }, dispatch);
		var play = button(barRoot, 'step-play', '▶ Play', 'Play or pause (space)', { type: 'play' }, dispatch);
		button(barRoot, 'step-next', '▶', 'Next event (n or →)', { type: 'step', delta: 1 }, dispatch);
		var where = html('span', 'step-where', barRoot);
		where.id = 'step-position';
		var teachLabel = html('label', 'check teach-toggle', barRoot);
		var teach = html('input', '', teachLabel);
		teach.type = 'checkbox';
		teach.id = 'teaching-mode';
		teach.addEventListener('change', function () { dispatch({ type: 'teach', on: teach.checked }); });
		html('span', '', teachLabel, 'Teaching mode');

		stageRoot.replaceChildren();
		stageRoot.classList.add('stage');
		stageRoot.setAttribute('aria-live', 'polite');
		var stageHead = html('div', 'stage-head', stageRoot);
		var stageSummary = html('p', 'stage-summary', stageRoot);
		var stageDetail = html('p', 'stage-detail', stageRoot);

		function update(st) {
			var rows = st.rows, pos = st.selected >= 0 ? S.lowerBound(rows, st.selected) : -1;
			var inRows = pos >= 0 && pos < rows.length && rows[pos] === st.selected;
			where.textContent = st.selected < 0 ? S.formatCount(rows.length) + ' events'
				: (inRows ? 'event ' + S.formatCount((pos + 1)) + ' of ' + S.formatCount(rows.length)
					: 'event #' + st.selected + ' (hidden by the filter)');
			play.textContent = st.playing ? '❚❚ Pause' : '▶ Play';
			play.setAttribute('aria-pressed', String(st.playing));
			teach.checked = st.teaching;
			stageRoot.hidden = !st.teaching;
			document.body.classList.toggle('teaching', st.teaching);
			if (!st.teaching) return;
			var ev = st.selected >= 0 ? model.events[st.selected] : null;
			if (!ev) {
				stageHead.textContent = 'Teaching mode';
				stageSummary.textContent = 'Press n or → to take the first step, space to play.';
				stageDetail.textContent = '';
				return;
			}
			stageHead.textContent = (inRows ? 'Step ' + (pos + 1) + ' of ' + rows.length : 'Event ' + st.selected) +
				' · t = ' + S.formatTime(model.t[st.selected]) + ' s · ' + S.describe(ev);
			var ex = S.isObject(ev.explain) ? ev.explain : {};
			stageSummary.textContent = ex.summary || (ev.kind === 'note' ? ev.text : S.describe(ev));
			stageDetail.textContent = ex.detail || '';
		}

		return { update: update };
	}

	S.createTeach = createTeach;
})(window.Sockscope = window.Sockscope || {});
