/* sockscope viewer: the DOM helpers every view shares.
 *
 * Elements are made with createElement / createElementNS and filled with
 * textContent and setAttribute only: nothing here parses markup, so text from a
 * capture can never become an element.  Loaded before the views.
 */
(function (S) {
	'use strict';

	var SVG_NS = 'http://www.w3.org/2000/svg';

	/* An SVG element with the given attributes (null or undefined ones left out). */
	function el(tag, attrs, parent) {
		var node = document.createElementNS(SVG_NS, tag);
		for (var k in attrs)
			if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, String(attrs[k]));
		if (parent) parent.appendChild(node);
		return node;
	}

	/* An HTML element; text (null or undefined: none) goes in as textContent. */
	function html(tag, className, parent, text) {
		var node = document.createElement(tag);
		if (className) node.className = className;
		if (text !== undefined && text !== null) node.textContent = String(text);
		if (parent) parent.appendChild(node);
		return node;
	}

	/* A button that is not a form submit; onClick is optional. */
	function button(parent, className, text, onClick) {
		var b = html('button', className, parent, text);
		b.type = 'button';
		if (onClick) b.addEventListener('click', onClick);
		return b;
	}

	/* A labelled check box; onChange gets the new checked state.  Returns the input. */
	function checkbox(parent, className, text, onChange) {
		var label = html('label', className, parent);
		var box = html('input', '', label);
		box.type = 'checkbox';
		box.addEventListener('change', function () { onChange(box.checked); });
		html('span', '', label, text);
		return box;
	}

	/* Marks node as a group of controls named label for assistive technology. */
	function group(node, label) {
		node.setAttribute('role', 'group');
		node.setAttribute('aria-label', label);
		return node;
	}

	/* One legend entry: a colour swatch and its meaning.  Returns the swatch. */
	function legendItem(parent, colour, text) {
		var item = html('span', 'legend-item', parent);
		var swatch = html('span', 'swatch', item);
		swatch.style.background = colour;
		html('span', '', item, text);
		return swatch;
	}

	/* Empties a view's root and gives it the panel class and a title bar.  Returns the bar. */
	function panel(root, className, title) {
		root.replaceChildren();
		root.classList.add(className);
		var bar = html('div', 'panel-bar', root);
		html('h2', 'panel-title', bar, title);
		return bar;
	}

	S.dom = { el: el, html: html, button: button, checkbox: checkbox, group: group,
		legendItem: legendItem, panel: panel };
})(window.Sockscope = window.Sockscope || {});
