// How much of this machine the browser had during a timed test: the budgets in
// the issues are for the machine idle, so they grow with the share others took.
//   - the load average: with more runnable tasks than cores, each gets that share;
//   - steal time: on a virtual machine the host may run other guests on our CPUs.
//     /proc/stat counts it ("steal"); on 2026-12-03 the host took 40 to 56% of both
//     CPUs during a bench run, which no load average shows.

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/* The CPU time counted so far (in ticks): all of it, and what the host took. */
export function cpuMark() {
	const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
	return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] || 0 };
}

/* ms for this machine idle, scaled by the load now and by the share of the CPUs the
 * host took since `since` (a cpuMark, or nothing); note says by how much. */
export function scaled(ms, since) {
	const load = parseFloat(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
	const byLoad = Math.max(1, load / cpus().length);
	let stolen = 0;
	if (since) {
		const now = cpuMark(), ticks = now.total - since.total;
		if (ticks > 0) stolen = Math.min(0.75, Math.max(0, (now.steal - since.steal) / ticks));
	}
	const share = byLoad / (1 - stolen);
	const why = [];
	if (byLoad > 1) why.push(`load ${load} on ${cpus().length} cores`);
	if (stolen > 0) why.push(`the host took ${(stolen * 100).toFixed(stolen < 0.1 ? 1 : 0)}% of the CPUs`);
	return { budget: Math.round(ms * share), share, note: share > 1 ? ` (${why.join(', ')}: x${share.toFixed(2)})` : '' };
}
