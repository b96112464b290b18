// The Dispatch console: a page the service serves itself, showing its queues through the
// public API and nothing else (docs/operations.md, "Web console"). Plain JavaScript, no build
// step, nothing loaded from elsewhere: the page's Content-Security-Policy allows scripts,
// styles and requests to this origin only.
//
// Every value from the API reaches the page as text (textContent, or a DOM property such as
// href or dataset), never as HTML: queue names and problem details are the callers' words.
//
// Pages are chosen by the fragment: #/ lists the queues, #/queues/NAME shows one, and
// #/queues/NAME/jobs/ID one of its jobs (names and ids percent-encoded). The page on screen is
// read again every POLL_MILLIS while the tab is visible; an answer that arrives after the page
// changed is dropped.
'use strict';

(() => {
	const POLL_MILLIS = 1500;

	/** Where the credential is kept: this tab's session storage, never a cookie. */
	const CREDENTIAL = 'dispatch.console.credential';

	/** The API, relative to the console (/console/), so that a path prefix keeps working. */
	const API = '../v1/queues';

	const $ = (id) => document.getElementById(id);

	// ---- DOM helpers: text only

	/** An element with properties (className, href, hidden...) and children (nodes or text). */
	function el(tag, properties = {}, ...children) {
		const element = document.createElement(tag);
		Object.assign(element, properties);
		element.append(...children);
		return element;
	}

	/** Sets an element's text when it changed (a refresh then leaves the page alone). */
	function setText(element, text) {
		if (element.textContent !== text) {
			element.textContent = text;
		}
	}

	function plural(n, one, many) {
		return `${n} ${n === 1 ? one : many}`;
	}

	/** A duration as the API writes it (ISO-8601, PT2M30S) for people: "2 min 30 s". */
	function duration(iso) {
		const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso ?? '');
		if (!match || iso === 'PT') {
			return iso ?? '';
		}
		const parts = [];
		if (match[1]) parts.push(`${match[1]} h`);
		if (match[2]) parts.push(`${match[2]} min`);
		if (match[3]) parts.push(`${Number(match[3])} s`);
		return parts.join(' ') || '0 s';
	}

	/** A duration as the API writes it (PT10S, PT1M) in seconds; NaN if it is not one. */
	function secondsOf(iso) {
		const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso ?? '');
		return match ? Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0) : NaN;
	}

	/** A span of time for people, in its largest unit: "12 s", "3 min", "5 h", "2 d". */
	function age(millis) {
		const seconds = Math.max(0, Math.floor(millis / 1000));
		if (seconds < 60) return `${seconds} s`;
		const minutes = Math.floor(seconds / 60);
		if (minutes < 60) return `${minutes} min`;
		const hours = Math.floor(minutes / 60);
		return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
	}

	/**
	 * An instant the API wrote, against the time of the answer: "12 s ago", "in 3 min"; "now"
	 * within a second of it, as that time is known to the second only (see answeredAt).
	 */
	function relative(iso, at) {
		const millis = Date.parse(iso) - at;
		if (Math.abs(millis) < 1000) return 'now';
		return millis > 0 ? `in ${age(millis)}` : `${age(-millis)} ago`;
	}

	/**
	 * An instant the API wrote (UTC, milliseconds) in the browser's own time zone, as the
	 * header's clock is: the time alone for today, the date too otherwise.
	 */
	function localTime(iso) {
		const date = new Date(iso);
		const today = new Date().toDateString() === date.toDateString();
		return today ? date.toLocaleTimeString() : date.toLocaleString();
	}

	/**
	 * An instant for people: local time and how far it is from the answer, "14:03:07 (12 s
	 * ago)"; the instant as the API wrote it (UTC, to match logs) in its title.
	 */
	function showTime(time, iso, at) {
		time.dateTime = iso;
		time.title = iso;
		setText(time, `${localTime(iso)} (${relative(iso, at)})`);
	}

	// ---- the API

	/** An answer that is not a success: its status (0: no answer) and its problem (RFC 9457). */
	class ApiError extends Error {
		constructor(status, problem, method) {
			super(problem.detail ?? problem.title ?? `HTTP ${status}`);
			this.status = status;
			this.problem = problem;
			// what the refused call was: a look (GET) or an action
			this.method = method;
		}
	}

	function credential() {
		return sessionStorage.getItem(CREDENTIAL);
	}

	/**
	 * When the service answered, by its own clock: the answer's Date header, so that ages
	 * computed against the instants it writes (oldestReadyAt, readyAt...) do not depend on the
	 * browser's clock being right. Date counts whole seconds, so an age may read up to a second
	 * short (never below 0). The browser's clock only for an answer without a Date header.
	 */
	function answeredAt(response) {
		const date = Date.parse(response.headers.get('Date') ?? '');
		return Number.isNaN(date) ? Date.now() : date;
	}

	/**
	 * Calls the API, with a JSON body when one is given (text): the answer's body, its text as
	 * sent, and when it was given (ms since the epoch).
	 */
	async function exchange(method, path, json = undefined) {
		const headers = { Accept: 'application/json' };
		if (json !== undefined) {
			headers['Content-Type'] = 'application/json';
		}
		const key = credential();
		if (key) {
			headers.Authorization = `Bearer ${key}`;
		}
		let response;
		try {
			response = await fetch(path, { method, headers, body: json, cache: 'no-store', credentials: 'omit' });
		}
		catch (failure) {
			throw new ApiError(0, { title: 'No answer', detail: `the service did not answer (${failure.message})` },
				method);
		}
		const text = await response.text();
		let body = null;
		try {
			body = text ? JSON.parse(text) : null;
		}
		catch {
			body = null;
		}
		if (!response.ok) {
			throw new ApiError(response.status, body ?? { title: response.statusText }, method);
		}
		return { body, text, at: answeredAt(response) };
	}

	async function api(method, path, json = undefined) {
		return (await exchange(method, path, json)).body;
	}

	const queuePath = (name) => `${API}/${encodeURIComponent(name)}`;

	const queueLink = (name) => `#/queues/${encodeURIComponent(name)}`;

	const jobPath = (queue, id) => `${queuePath(queue)}/jobs/${encodeURIComponent(id)}`;

	const jobLink = (queue, id) => `${queueLink(queue)}/jobs/${encodeURIComponent(id)}`;

	const isProblem = (failure, type) => failure instanceof ApiError && failure.problem.type === `/problems/${type}`;

	// ---- JSON as it was sent

	/**
	 * JSON text's tokens, each as written: strings (escapes and all), punctuation, and literals
	 * (numbers, true, false, null). Enough for text the API wrote, which is valid JSON.
	 */
	const TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:"]+/g;

	/**
	 * A top-level member's value in a JSON object's text, as tokens written as sent. A job's
	 * payload is shown from these rather than from JSON.parse, which would round a long number
	 * (12345678901234567890), drop the .0 of 1.0 and move keys that look like numbers first:
	 * the console shows what consumers are handed, byte for byte but for the spacing.
	 */
	function memberTokens(text, name) {
		return memberOf(text.match(TOKEN) ?? [], name);
	}

	/** The tokens of the value that starts at tokens[start]. */
	function valueTokens(tokens, start) {
		let depth = 0;
		let end = start;
		do {
			depth += nesting(tokens[end]);
			end += 1;
		} while (depth > 0 && end < tokens.length);
		return tokens.slice(start, end);
	}

	function nesting(token) {
		if (token === '{' || token === '[') return 1;
		return token === '}' || token === ']' ? -1 : 0;
	}

	/** The elements of the JSON array whose tokens start at tokens[start], each as its tokens. */
	function elementTokens(tokens, start) {
		const elements = [];
		let at = start + 1;
		while (at < tokens.length && tokens[at] !== ']') {
			const element = valueTokens(tokens, at);
			elements.push(element);
			at += element.length;
			if (tokens[at] === ',') {
				at += 1;
			}
		}
		return elements;
	}

	/** A top-level member's tokens among an object's tokens, or none. */
	function memberOf(tokens, name) {
		let depth = 0;
		for (let i = 0; i < tokens.length; i++) {
			if (depth === 1 && tokens[i + 1] === ':' && tokens[i] === JSON.stringify(name)) {
				return valueTokens(tokens, i + 2);
			}
			depth += nesting(tokens[i]);
		}
		return [];
	}

	/** How long a payload's preview in a list of jobs may be, in characters. */
	const PREVIEW_LENGTH = 80;

	/** Tokens as JSON text on one line, cut at PREVIEW_LENGTH with an ellipsis. */
	function preview(tokens) {
		const text = tokens.map((token) => (token === ':' || token === ',' ? `${token} ` : token)).join('');
		return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 1)}…` : text;
	}

	/** The payload of each job of a page of jobs, as the API wrote it: by job id. */
	function payloadPreviews(text) {
		const tokens = text.match(TOKEN) ?? [];
		const jobs = memberOf(tokens, 'jobs');
		const previews = new Map();
		for (const job of jobs.length ? elementTokens(jobs, 0) : []) {
			const id = JSON.parse(memberOf(job, 'id')[0] ?? 'null');
			previews.set(id, preview(memberOf(job, 'payload')));
		}
		return previews;
	}

	/** Tokens as indented JSON text: two spaces a level, {} and [] on one line. */
	function indented(tokens) {
		let text = '';
		let indent = '';
		tokens.forEach((token, i) => {
			const opened = tokens[i - 1] === '{' || tokens[i - 1] === '[';
			if (nesting(token) > 0) {
				text += token;
				if (nesting(tokens[i + 1]) >= 0) {
					indent += '  ';
					text += `\n${indent}`;
				}
			}
			else if (nesting(token) < 0) {
				if (!opened) {
					indent = indent.slice(2);
					text += `\n${indent}`;
				}
				text += token;
			}
			else if (token === ',') {
				text += `,\n${indent}`;
			}
			else {
				text += token === ':' ? ': ' : token;
			}
		});
		return text;
	}

	// ---- what the console says about a queue's state

	function stateOf(queue) {
		if (queue.drained) return 'drained';
		return queue.closed ? 'closed' : 'open';
	}

	/** The queue's life-cycle state, and "paused" beside it while an operator has paused delivery. */
	function stateBadges() {
		const paused = el('span', { className: 'badge state-paused', hidden: true }, 'paused');
		paused.title = 'consumers get nothing until it is resumed';
		return el('span', {}, el('span', { className: 'badge' }), ' ', paused);
	}

	function showState(badges, queue) {
		const state = stateOf(queue);
		const badge = badges.firstChild;
		setText(badge, state);
		badge.className = `badge state-${state}`;
		badges.lastChild.hidden = !queue.paused;
	}

	/** How long the oldest ready job has waited, as of the answer; "—" when none is ready. */
	function showOldest(time, queue, at) {
		const oldest = queue.oldestReadyAt;
		time.dateTime = oldest ?? '';
		time.title = oldest ? `put at ${oldest}` : 'no job is ready';
		setText(time, oldest ? age(at - Date.parse(oldest)) : '—');
	}

	function fillMeter() {
		return el('meter', { min: 0 });
	}

	/** Ready + delayed against capacity: what makes producers wait once full. */
	function showFill(meter, queue) {
		const held = queue.size + queue.delayed;
		meter.max = Math.max(queue.capacity, 1);
		meter.high = meter.max * 0.9;
		meter.optimum = 0;
		meter.value = held;
		meter.title = `${held} of ${queue.capacity} (ready + delayed of capacity)`;
		setText(meter, `${held} / ${queue.capacity}`);
	}

	/** Whether the queue's leases in flight have reached its limit (maxInFlight, absent: none). */
	const atLimit = (queue) => Boolean(queue.maxInFlight) && queue.inFlight >= queue.maxInFlight;

	/**
	 * Leases in flight against the queue's limit, "12 / 20", marked once they reach it; without
	 * a limit, what `unlimited` says.
	 */
	function showInFlight(unlimited) {
		return (span, queue) => {
			const limit = queue.maxInFlight;
			setText(span, limit ? `${queue.inFlight} / ${limit}` : unlimited(queue));
			span.className = atLimit(queue) ? 'at-limit' : '';
			span.title = !limit ? 'no in-flight limit'
				: `${plural(queue.inFlight, 'lease', 'leases')} held of at most ${limit}`
					+ (atLimit(queue) ? ': takes wait until one ends' : '');
		};
	}

	/** Parked takes that ready jobs wait for, when `held` says a limit holds them back. */
	const takesHeld = (queue, held) => (held && queue.size > 0 && !queue.paused ? queue.waitingTakers : 0);

	/**
	 * Parked takes that ready jobs wait for, held back because the leases in flight are at the
	 * limit: what the gauge dispatch_queue_takers_held{limit="inflight"} counts, from the same
	 * numbers.
	 */
	const heldByLimit = (queue) => takesHeld(queue, atLimit(queue));

	/**
	 * Parked takes held back because every ready job is in a group that holds as many leases as
	 * maxInFlightPerGroup allows (groupLimited), and not by the in-flight limit, which counts
	 * first: what dispatch_queue_takers_held{limit="group"} counts.
	 */
	const heldByGroupLimit = (queue) => takesHeld(queue, !atLimit(queue) && queue.groupLimited);

	/** A job's fairness group by name; the default group (jobs put without one) as "(default)". */
	function showGroup(span, group) {
		setText(span, group ?? '(default)');
		span.className = group === undefined ? 'default-group' : '';
		span.title = group === undefined ? 'the default group: jobs put without a group' : '';
	}

	// ---- the list of queues

	/**
	 * The list's columns: the field each shows, its heading, and how (default: as is). A field
	 * the API gains is one more line here.
	 */
	const COLUMNS = [
		{ field: 'name', label: 'Queue', make: () => el('a'), show: (a, q) => { a.href = queueLink(q.name); setText(a, q.name); } },
		{ field: 'state', label: 'State', make: stateBadges, show: showState },
		{ field: 'size', label: 'Ready' },
		{ field: 'oldestReadyAt', label: 'Oldest ready', make: () => el('time'), show: showOldest },
		{ field: 'delayed', label: 'Delayed' },
		{ field: 'inFlight', label: 'In flight', make: () => el('span'), show: showInFlight((q) => String(q.inFlight)) },
		{ field: 'unfinished', label: 'Unfinished' },
		{ field: 'capacity', label: 'Capacity' },
		{ field: 'fill', label: 'Fill', make: fillMeter, show: showFill },
		{ field: 'waitingPutters', label: 'Parked puts' },
		{ field: 'waitingTakers', label: 'Parked takes' },
	];

	function listPage() {
		const body = el('tbody');
		const head = el('tr', {}, ...COLUMNS.map((column) => el('th', { scope: 'col' }, column.label)));
		const table = el('table', { className: 'queues', hidden: true }, el('thead', {}, head), body);
		const empty = el('p', { className: 'empty', hidden: true },
			'No queue to show: none exists yet, or this key holds a role on none. PUT /v1/queues/NAME creates one'
			+ ' (and so does a put of a job, where auto-create is on).');
		const count = el('p', { className: 'count' });
		/** Each queue's row, by name: a refresh updates cells in place. */
		const rows = new Map();

		function row(queue) {
			const cells = COLUMNS.map((column) => {
				const cell = el('td', {});
				cell.dataset.field = column.field;
				if (column.make) {
					cell.append(column.make());
				}
				return cell;
			});
			const tr = el('tr', {}, ...cells);
			tr.dataset.queue = queue.name;
			return { tr, cells };
		}

		function show({ cells }, queue, at) {
			COLUMNS.forEach((column, i) => {
				if (column.show) {
					column.show(cells[i].firstChild, queue, at);
				}
				else {
					setText(cells[i], String(queue[column.field]));
				}
			});
		}

		return {
			title: 'Queues',
			element: el('section', {}, el('h2', {}, 'Queues'), count, table, empty),
			load: () => exchange('GET', API),
			render({ body: queues, at }) {
				queues.sort((a, b) => a.name.localeCompare(b.name));
				const listed = new Set();
				queues.forEach((queue, i) => {
					let entry = rows.get(queue.name);
					if (!entry) {
						entry = row(queue);
						rows.set(queue.name, entry);
					}
					show(entry, queue, at);
					if (body.children[i] !== entry.tr) {
						body.insertBefore(entry.tr, body.children[i] ?? null);
					}
					listed.add(queue.name);
				});
				for (const [name, entry] of rows) {
					if (!listed.has(name)) {
						entry.tr.remove();
						rows.delete(name);
					}
				}
				table.hidden = queues.length === 0;
				empty.hidden = queues.length > 0;
				setText(count, plural(queues.length, 'queue', 'queues'));
			},
		};
	}

	// ---- one queue

	/** A queue's numbers and settings: the field, its label, and how to show it (default: as is). */
	const NUMBERS = [
		{ field: 'state', label: 'State', make: stateBadges, show: showState },
		{ field: 'size', label: 'Ready' },
		{ field: 'oldestReadyAt', label: 'Oldest ready job', make: () => el('time'), show: showOldest },
		{ field: 'delayed', label: 'Delayed' },
		{
			field: 'inFlight', label: 'In flight', make: () => el('span'),
			show: showInFlight((q) => `${q.inFlight} (no limit)`),
		},
		{
			field: 'heldByLimit', label: 'Takes held by the limit', when: (q) => q.maxInFlight,
			text: (q) => String(heldByLimit(q)),
		},
		{
			field: 'heldByGroupLimit', label: 'Takes held by the group limit', when: (q) => q.maxInFlightPerGroup,
			text: (q) => String(heldByGroupLimit(q)),
		},
		{ field: 'unfinished', label: 'Unfinished' },
		{ field: 'fill', label: 'Fill', make: fillMeter, show: showFill },
		{ field: 'waitingPutters', label: 'Parked puts' },
		{ field: 'waitingTakers', label: 'Parked takes' },
	];

	/** A link to the queue's dead-letter queue, or that it has none (a dead-letter queue made on demand). */
	function showDeadLetterQueue(span, q) {
		const [link, none] = span.children;
		link.hidden = !q.deadLetterQueue;
		none.hidden = Boolean(q.deadLetterQueue);
		if (q.deadLetterQueue) {
			link.href = queueLink(q.deadLetterQueue);
			setText(link, q.deadLetterQueue);
		}
		setText(none, 'none: jobs that fail their last attempt stay here');
	}

	const SETTINGS = [
		{ field: 'capacity', label: 'Capacity' },
		{ field: 'leaseTimeout', label: 'Lease timeout', text: (q) => duration(q.leaseTimeout) },
		{ field: 'maxAttempts', label: 'Max attempts' },
		{ field: 'maxInFlight', label: 'Max in flight', text: (q) => (q.maxInFlight ? String(q.maxInFlight) : 'no limit') },
		{
			field: 'maxLeasesPerSecond', label: 'Max leases per second',
			text: (q) => (q.maxLeasesPerSecond ? String(q.maxLeasesPerSecond) : 'no limit'),
		},
		{
			field: 'maxInFlightPerGroup', label: 'Max in flight per group',
			text: (q) => (q.maxInFlightPerGroup ? String(q.maxInFlightPerGroup) : 'no limit'),
		},
		{
			field: 'deadLetterQueue', label: 'Dead-letter queue', make: () => el('span', {}, el('a'), el('span')),
			show: showDeadLetterQueue,
		},
	];

	/**
	 * What an operator may do to a queue: one API call each, confirmed in a dialog first, its
	 * outcome shown after. An action the API gains (redrive) is one more entry.
	 */
	const ACTIONS = [
		{
			id: 'pause',
			label: 'Pause',
			offered: (q) => !q.paused && !q.drained,
			confirm: (q) => ({
				title: `Pause queue ${q.name}?`,
				text: `Consumers get nothing from ${q.name} until you resume it: takes are answered 204 once their `
					+ `wait ends, and ${plural(q.size, 'ready job stays', 'ready jobs stay')} in the queue. `
					+ `Producers can still put, up to the capacity, and jobs in flight (${q.inFlight} now) are still `
					+ `acked, nacked and expired as usual.`,
				button: 'Pause delivery',
			}),
			request: (q) => ['POST', `${queuePath(q.name)}/pause`],
			outcome: (q) => `Paused ${q.name}: consumers get nothing until you resume it.`,
		},
		{
			id: 'resume',
			label: 'Resume',
			offered: (q) => q.paused,
			confirm: (q) => ({
				title: `Resume queue ${q.name}?`,
				text: `Consumers receive jobs again: ${plural(q.size, 'ready job', 'ready jobs')} can be taken at once `
					+ `(${plural(q.waitingTakers, 'take is', 'takes are')} parked now).`,
				button: 'Resume delivery',
			}),
			request: (q) => ['POST', `${queuePath(q.name)}/resume`],
			outcome: (q) => `Resumed ${q.name}: consumers receive jobs again.`,
		},
		{
			id: 'redrive',
			label: 'Redrive',
			offered: (q) => q.deadLetterOf.length > 0 && q.size > 0,
			confirm: (q) => ({
				title: `Redrive the dead letters of ${q.name}?`,
				text: `The ${plural(q.size, 'ready job', 'ready jobs')} here go back to the queue they failed in `
					+ `(${q.deadLetterOf.join(', ')}), to its tail, keeping their ids and starting again at attempt 0: `
					+ `as many as that queue has room for. The rest stay here.`,
				button: 'Redrive jobs',
			}),
			request: (q) => ['POST', `${queuePath(q.name)}/redrive`],
			outcome: (q, answer) => {
				const where = Object.entries(answer.queues).map(([queue, n]) => `${n} to ${queue}`).join(', ');
				return `Redrove ${plural(answer.moved, 'job', 'jobs')}${where ? ` (${where})` : ''}`
					+ (answer.left ? `; ${plural(answer.left, 'job stays', 'jobs stay')} here: no room, or `
						+ 'their queue is closed or gone.' : '.');
			},
		},
		{
			id: 'purge',
			label: 'Purge',
			danger: true,
			offered: (q) => q.size + q.delayed > 0,
			confirm: (q) => ({
				title: `Purge queue ${q.name}?`,
				text: `${plural(q.size, 'ready job', 'ready jobs')} and ${plural(q.delayed, 'delayed job', 'delayed jobs')} `
					+ `(as of now) will be thrown away for good: they do not go to the dead-letter queue, and nothing `
					+ `brings them back. Jobs in flight (${q.inFlight} now) stay with their consumers. The queue stays `
					+ `${q.closed ? 'closed' : 'open'}.`,
				button: 'Purge jobs',
				danger: true,
			}),
			request: (q) => ['POST', `${queuePath(q.name)}/purge`],
			outcome: (q, answer) => `Purged ${plural(answer.purged ?? 0, 'job', 'jobs')} from ${q.name}.`,
		},
		{
			id: 'close',
			label: 'Close',
			offered: (q) => !q.closed,
			confirm: (q) => ({
				title: `Close queue ${q.name}?`,
				text: `No job will be accepted any more: producers are answered 409. Consumers still receive `
					+ `what is left (${plural(q.unfinished, 'unfinished job', 'unfinished jobs')} now), then 410 `
					+ `once it is drained. A closed queue is never opened again.`,
				button: 'Close queue',
			}),
			request: (q) => ['POST', `${queuePath(q.name)}/close`],
			outcome: (q, answer) => `Closed ${q.name}: no job is accepted any more; consumers receive what is left `
				+ `(${plural(answer.unfinished, 'unfinished job', 'unfinished jobs')}).`,
		},
		{
			id: 'close-immediately',
			label: 'Close immediately',
			danger: true,
			offered: (q) => !q.drained,
			confirm: (q) => ({
				title: `Close queue ${q.name} immediately?`,
				text: (q.deadLetterQueue
					? `Every ready and delayed job (${q.size + q.delayed} now) moves to the dead-letter queue `
						+ `${q.deadLetterQueue} (reason "purged"), and consumers are answered 410 at once. Jobs in flight `
						+ 'stay with their consumers; those that fail go to the dead-letter queue too.'
					: `Every ready and delayed job (${q.size + q.delayed} now) is thrown away (this queue has no `
						+ 'dead-letter queue), and consumers are answered 410 at once. Jobs in flight stay with their '
						+ 'consumers; those that fail are thrown away too.')
					+ ' This cannot be undone.',
				button: 'Close and purge',
				danger: true,
			}),
			request: (q) => ['POST', `${queuePath(q.name)}/close?immediate=true`],
			outcome: (q, answer) => `Closed ${q.name} immediately: ${plural(answer.purged ?? 0, 'job', 'jobs')} `
				+ (answer.deadLetterQueue ? `moved to the dead-letter queue ${answer.deadLetterQueue}.` : 'thrown away.'),
		},
	];

	/**
	 * A definition list of fields; returns the element and how to fill it from what the API
	 * answered (a queue, a job) and when. An entry with `when` is shown only where it holds.
	 */
	function fields(list) {
		const terms = list.map((entry) => el('dt', {}, entry.label));
		const values = list.map((entry) => {
			const value = el('dd', {}, ...(entry.make ? [entry.make()] : []));
			value.dataset.field = entry.field;
			return value;
		});
		const dl = el('dl', {}, ...list.flatMap((entry, i) => [terms[i], values[i]]));
		return {
			element: dl,
			show(data, at) {
				list.forEach((entry, i) => {
					const shown = !entry.when || Boolean(entry.when(data));
					terms[i].hidden = !shown;
					values[i].hidden = !shown;
					if (!shown) {
						return;
					}
					if (entry.show) {
						entry.show(values[i].firstChild, data, at);
					}
					else {
						setText(values[i], entry.text ? entry.text(data) : String(data[entry.field]));
					}
				});
			},
		};
	}

	/** How many jobs the queue page lists of the chosen state. */
	const JOBS_SHOWN = 20;

	/** A table cell marked with the field it shows (data-field), holding the children given. */
	function fieldCell(field, ...children) {
		const cell = el('td', {}, ...children);
		cell.dataset.field = field;
		return cell;
	}

	/**
	 * The queue page's list of jobs in one state (ready, delayed or leased), oldest first,
	 * each a link to its page with its priority and fairness group; chosen with a row of
	 * buttons.
	 */
	function jobsPanel(name) {
		let state = 'ready';
		let lastShown = null;
		const body = el('tbody');
		const note = el('p', { className: 'hint' });
		const tabs = ['ready', 'delayed', 'leased'].map((each) => {
			const tab = el('button', { type: 'button' }, each);
			tab.dataset.state = each;
			tab.addEventListener('click', () => {
				state = each;
				refreshNow();
			});
			return tab;
		});
		const table = el('table', { className: 'jobs' },
			el('thead', {}, el('tr', {}, ...['Job', 'Payload', 'Priority', 'Group', 'Attempt', 'Put', 'Ready / lease ends']
				.map((label) => el('th', { scope: 'col' }, label)))), body);
		return {
			element: el('section', { className: 'panel', id: 'jobs' }, el('h3', {}, 'Jobs'),
				el('div', { className: 'buttons tabs' }, ...tabs), table, note),
			path: () => `${queuePath(name)}/jobs?state=${state}&limit=${JOBS_SHOWN}`,
			show({ body: page, text, at }) {
				tabs.forEach((tab) => tab.classList.toggle('primary', tab.dataset.state === state));
				// rows are made again only when the page changed: a refresh leaves them alone
				// (but for the ages, which follow the answer's time)
				const shown = JSON.stringify([state, page]);
				if (shown !== lastShown) {
					lastShown = shown;
					const previews = payloadPreviews(text);
					body.replaceChildren(...page.jobs.map((job) => {
						const payload = fieldCell('payload', el('code', {}, previews.get(job.id) ?? ''));
						payload.className = 'preview';
						const group = el('span');
						showGroup(group, job.group);
						const row = el('tr', {},
							fieldCell('id', el('a', { href: jobLink(name, job.id) }, job.id)),
							payload,
							fieldCell('priority', String(job.priority)),
							fieldCell('group', group),
							fieldCell('attempt', String(job.attempt)),
							fieldCell('enqueuedAt', el('time')),
							fieldCell('due', el('time')));
						row.dataset.job = job.id;
						return row;
					}));
				}
				page.jobs.forEach((job, i) => {
					const [put, due] = [...body.children[i].querySelectorAll('time')];
					showTime(put, job.enqueuedAt, at);
					const until = job.readyAt ?? job.leaseExpiresAt;
					if (until) {
						showTime(due, until, at);
					}
					else {
						setText(due, '—');
					}
				});
				setText(note, page.jobs.length === 0 ? `No ${state} job.`
					: `The oldest ${plural(page.jobs.length, `${state} job`, `${state} jobs`)}`
						+ (page.next ? ` of more (GET ${decodeURIComponent(this.path())}&after=${page.next} for the next).`
							: '.'));
			},
		};
	}

	// ---- a queue's last minutes, as charts

	const SVG = 'http://www.w3.org/2000/svg';

	/** An SVG element with attributes; drawn in the page, nothing loaded. */
	function svg(tag, attributes = {}) {
		const element = document.createElementNS(SVG, tag);
		Object.entries(attributes).forEach(([attribute, value]) => element.setAttribute(attribute, String(value)));
		return element;
	}

	/** The drawing's size in its own units; it is scaled to the panel's width. */
	const CHART_WIDTH = 600;

	const CHART_HEIGHT = 120;

	/** Room above the scale's top, so that a line there is not cut by the edge. */
	const CHART_HEADROOM = 4;

	/** A round number at or above the largest value: the top of a chart's scale. */
	function scaleTop(largest) {
		if (largest <= 0) return 1;
		const magnitude = 10 ** Math.floor(Math.log10(largest));
		return [1, 2, 5, 10].map((step) => step * magnitude).find((top) => top >= largest);
	}

	/** A number for a legend: whole, or with one decimal below 10. */
	function amount(value) {
		return value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
	}

	/**
	 * One chart: a line per series over the samples' times, its scale's top and the span it
	 * covers beside it, and a legend with each series' latest value.
	 * @param lines each {key, label, unit, value(sample, seconds)}: what a series plots
	 */
	function chart(title, lines) {
		const drawing = svg('svg', { viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`, preserveAspectRatio: 'none',
			role: 'img', 'aria-label': title });
		drawing.append(svg('line', { x1: 0, y1: CHART_HEIGHT, x2: CHART_WIDTH, y2: CHART_HEIGHT, class: 'axis' }));
		const polylines = lines.map((line) => {
			const polyline = svg('polyline', { class: `series series-${line.key}`, fill: 'none' });
			polyline.dataset.series = line.key;
			drawing.append(polyline);
			return polyline;
		});
		const legend = lines.map((line) => {
			const value = el('span', { className: 'value' });
			const item = el('li', {}, el('span', { className: `swatch series-${line.key}` }), `${line.label} `, value);
			item.dataset.series = line.key;
			return { item, value };
		});
		const top = el('span', { className: 'scale' });
		const span = el('span', { className: 'span' });
		const figure = el('figure', { className: 'chart' }, el('figcaption', {}, title),
			el('ul', { className: 'legend' }, ...legend.map((entry) => entry.item)),
			el('div', { className: 'plot' }, top, drawing), el('p', { className: 'hint' }, span));
		return {
			element: figure,
			show(history) {
				const samples = history.samples;
				const seconds = secondsOf(history.interval);
				const values = lines.map((line) => samples.map((sample) => line.value(sample, seconds)));
				const highest = scaleTop(Math.max(0, ...values.flat()));
				const first = samples.length ? Date.parse(samples[0].at) : 0;
				const last = samples.length ? Date.parse(samples[samples.length - 1].at) : 0;
				const x = (sample) => (last > first ? (Date.parse(sample.at) - first) / (last - first) : 1) * CHART_WIDTH;
				values.forEach((series, i) => {
					const points = series.map((value, j) => `${x(samples[j]).toFixed(1)},`
						+ `${(CHART_HEIGHT - (value / highest) * (CHART_HEIGHT - CHART_HEADROOM)).toFixed(1)}`);
					polylines[i].setAttribute('points', points.join(' '));
					polylines[i].dataset.points = String(points.length);
					setText(legend[i].value, series.length ? `${amount(series[series.length - 1])}${lines[i].unit}` : '—');
				});
				setText(top, amount(highest));
				setText(span, samples.length < 2 ? 'Collecting: a point every '
						+ `${duration(history.interval)}, the first ones soon.`
					: `The last ${age(last - first)}, a point every ${duration(history.interval)}, `
						+ `until ${localTime(samples[samples.length - 1].at)}.`);
			},
		};
	}

	/** The queue page's charts: rates (per second, as this instance saw them) and depth. */
	function historyPanel() {
		const perSecond = (field) => (sample, seconds) => sample[field] / seconds;
		const rates = chart('Jobs per second', [
			{ key: 'put', label: 'put', unit: '/s', value: perSecond('put') },
			{ key: 'acked', label: 'acked', unit: '/s', value: perSecond('acked') },
			{ key: 'deadLettered', label: 'dead-lettered', unit: '/s', value: perSecond('deadLettered') },
		]);
		const depth = chart('Jobs in the queue', [
			{ key: 'ready', label: 'ready', unit: '', value: (sample) => sample.ready },
			{ key: 'delayed', label: 'delayed', unit: '', value: (sample) => sample.delayed },
			{ key: 'inFlight', label: 'in flight', unit: '', value: (sample) => sample.inFlight },
		]);
		return {
			element: el('section', { className: 'panel', id: 'history' }, el('h3', {}, 'Last minutes'),
				el('div', { className: 'charts' }, rates.element, depth.element),
				el('p', { className: 'hint' }, 'Rates count what this instance handled; with several replicas, each '
					+ 'shows its own. GET /v1/queues/NAME/history has the numbers.')),
			show(history) {
				rates.show(history);
				depth.show(history);
			},
		};
	}

	// ---- operating a queue

	/**
	 * Makes an operator's call and says in `outcome` what came of it: what `said` makes of the
	 * API's answer (then the page is read again), or why it failed — there, not in the banner,
	 * which the next refresh clears. Resolves whether the call succeeded.
	 */
	async function operate(outcome, call, said) {
		let succeeded = false;
		try {
			const answer = await call();
			setText(outcome, said(answer));
			outcome.className = 'outcome done';
			succeeded = true;
			refreshNow();
		}
		catch (failure) {
			setText(outcome, describe(failure));
			outcome.className = 'outcome failed';
		}
		outcome.hidden = false;
		return succeeded;
	}

	// ---- fairness groups and the in-flight limit

	/**
	 * The queue page's fairness groups: how many have ready jobs, and the largest of them
	 * (largestGroups: the API names up to ten) with their ready jobs.
	 */
	function groupsPanel() {
		let lastShown = null;
		const count = el('p', { id: 'groups-count' });
		const body = el('tbody');
		const table = el('table', { className: 'groups', hidden: true },
			el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Group'), el('th', { scope: 'col' }, 'Ready jobs'))),
			body);
		const more = el('p', { className: 'hint', id: 'groups-more', hidden: true });
		return {
			element: el('section', { className: 'panel', id: 'groups' }, el('h3', {}, 'Fairness groups'), count, table,
				more, el('p', { className: 'hint' }, 'Within a priority, the groups with ready jobs take turns: one job '
					+ 'each per round, first in first out within a group. Jobs put without a group are in the default one.')),
			show(queue) {
				const largest = queue.largestGroups ?? [];
				setText(count, queue.groups === 0 ? 'No job is ready, so no group is waiting.'
					: `${plural(queue.groups, 'group has', 'groups have')} ready jobs.`);
				// rows are made again only when the groups changed: a refresh leaves them alone
				const shown = JSON.stringify(largest);
				if (shown !== lastShown) {
					lastShown = shown;
					body.replaceChildren(...largest.map((entry) => {
						const group = el('span');
						showGroup(group, entry.group);
						const row = el('tr', {}, fieldCell('group', group), fieldCell('ready', String(entry.ready)));
						// a group's name is never empty: "" is the default group
						row.dataset.group = entry.group ?? '';
						return row;
					}));
				}
				table.hidden = largest.length === 0;
				more.hidden = queue.groups <= largest.length;
				setText(more, `The ${largest.length} with the most ready jobs, of ${queue.groups}.`);
			},
		};
	}

	/**
	 * A JSON value for what was typed as the in-flight limit: a number as written, so that the
	 * API judges it (1.5, -1, 99999999999) in its own words; anything else as a string, which
	 * the API refuses as the wrong type. The console adds no rule of its own.
	 */
	function limitValue(typed) {
		return /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(typed) ? typed : JSON.stringify(typed);
	}

	/**
	 * Changes the queue's in-flight limit live (PUT /v1/queues/NAME {"maxInFlight": N}; 0: no
	 * limit), and says what the API answered: the new limit, or its refusal.
	 */
	function limitForm(name) {
		const input = el('input', { type: 'text', id: 'limit-input', inputMode: 'numeric', required: true,
			spellcheck: false, placeholder: '0: no limit' });
		const outcome = el('p', { className: 'outcome', id: 'limit-outcome', hidden: true });
		outcome.setAttribute('role', 'status');
		const form = el('form', { className: 'limit', autocomplete: 'off' },
			el('label', { htmlFor: 'limit-input' }, 'New limit'), input,
			el('button', { type: 'submit' }, 'Set limit'));
		form.addEventListener('submit', async (event) => {
			event.preventDefault();
			const typed = input.value.trim();
			if (!typed) {
				return;
			}
			const changed = await operate(outcome,
				() => api('PUT', queuePath(name), `{"maxInFlight": ${limitValue(typed)}}`),
				(queue) => (queue.maxInFlight
					? `${name} now holds at most ${plural(queue.maxInFlight, 'lease', 'leases')} at once`
						+ ` (${queue.inFlight} in flight now).`
					: `${name} has no in-flight limit now.`));
			if (changed) {
				input.value = '';
			}
		});
		return el('div', { className: 'limit-change' }, form, outcome,
			el('p', { className: 'hint' }, 'The most leases all consumers together may hold at once; 0 for no limit. '
				+ 'It counts at once: takes beyond it wait until a lease ends. Needs an admin key.'));
	}

	function queuePage(name) {
		const numbers = fields(NUMBERS);
		const groups = groupsPanel();
		const jobs = jobsPanel(name);
		const charts = historyPanel();
		const settings = fields(SETTINGS);
		const outcome = el('p', { className: 'outcome', hidden: true });
		outcome.setAttribute('role', 'status');
		outcome.id = 'outcome';
		let latest = null;
		const buttons = ACTIONS.map((action) => {
			const button = el('button', { type: 'button', className: action.danger ? 'danger' : '', hidden: true },
				action.label);
			button.dataset.action = action.id;
			button.addEventListener('click', () => perform(action));
			return button;
		});
		const drainedNote = el('p', { className: 'hint', hidden: true },
			'Closed and drained: no job will come any more.');

		async function perform(action) {
			if (!latest || !(await confirmed(action.confirm(latest)))) {
				return;
			}
			const [method, path] = action.request(latest);
			await operate(outcome, () => api(method, path), (answer) => action.outcome(latest, answer));
		}

		/** Shown once the queue has been read: no empty panels behind a refusal. */
		const content = el('div', { hidden: true },
			el('div', { className: 'panels' },
				el('section', { className: 'panel' }, el('h3', {}, 'Numbers'), numbers.element),
				el('section', { className: 'panel' }, el('h3', {}, 'Settings'), settings.element, limitForm(name)),
				groups.element),
			el('section', { className: 'panel actions' }, el('h3', {}, 'Actions'),
				el('div', { className: 'buttons' }, ...buttons), drainedNote, outcome),
			charts.element,
			jobs.element,
			el('section', { className: 'panel' }, el('h3', {}, 'Look up a job'), lookupForm(name),
				el('p', { className: 'hint' }, 'By the id its put answered: its state, attempts and payload. An acked '
					+ 'job is gone; one that failed its last attempt is in the dead-letter queue, by the same id.')));

		return {
			title: name,
			element: el('section', {},
				el('p', { className: 'back' }, el('a', { href: '#/' }, '← All queues')),
				el('h2', {}, name),
				content),
			// the list too: whether this is another queue's dead-letter queue (Redrive)
			// and a page of its jobs
			load: async () => {
				const [one, all, page, history] = await Promise.all([exchange('GET', queuePath(name)),
					exchange('GET', API), exchange('GET', jobs.path()), api('GET', `${queuePath(name)}/history`)]);
				const deadLetterOf = all.body.filter((q) => q.deadLetterQueue === name && q.name !== name)
					.map((q) => q.name);
				return { ...one, body: { ...one.body, deadLetterOf }, page, history };
			},
			render({ body: queue, at, page, history }) {
				latest = queue;
				jobs.show(page);
				charts.show(history);
				content.hidden = false;
				numbers.show(queue, at);
				settings.show(queue, at);
				groups.show(queue);
				ACTIONS.forEach((action, i) => { buttons[i].hidden = !action.offered(queue); });
				drainedNote.hidden = !queue.drained;
			},
		};
	}

	/** Looks a job of the queue up by id, on its own page (#/queues/NAME/jobs/ID) so that it can be linked to. */
	function lookupForm(queue) {
		const input = el('input', { type: 'text', id: 'job-id', required: true, spellcheck: false });
		const form = el('form', { className: 'lookup', autocomplete: 'off' },
			el('label', { htmlFor: 'job-id' }, 'Job id'), input, el('button', { type: 'submit' }, 'Look up'));
		form.addEventListener('submit', (event) => {
			event.preventDefault();
			const id = input.value.trim();
			if (!id) {
				return;
			}
			const link = jobLink(queue, id);
			if (location.hash === link) {
				refreshNow();
			}
			else {
				location.hash = link;
			}
		});
		return form;
	}

	// ---- one job

	/** A job's state badge: ready, delayed or leased. */
	function showJobState(badge, job) {
		setText(badge, job.state);
		badge.className = `badge job-${job.state}`;
	}

	/** A job's instant in local time, and how far it is from the answer (the API's UTC in its title). */
	function showInstant(field) {
		return (time, job, at) => showTime(time, job[field], at);
	}

	/** Where a dead letter failed, why, and after how many attempts. */
	function showDeadLetter(span, job) {
		const [link, why] = span.children;
		link.href = queueLink(job.deadLetter.queue);
		setText(link, job.deadLetter.queue);
		setText(why, ` (${job.deadLetter.reason}, after ${plural(job.deadLetter.attempts, 'attempt', 'attempts')})`);
	}

	const JOB = [
		{ field: 'state', label: 'State', make: () => el('span', { className: 'badge' }), show: showJobState },
		{ field: 'attempt', label: 'Attempts so far' },
		{ field: 'priority', label: 'Priority' },
		{ field: 'group', label: 'Fairness group', make: () => el('span'), show: (span, job) => showGroup(span, job.group) },
		{ field: 'enqueuedAt', label: 'In the queue since', make: () => el('time'), show: showInstant('enqueuedAt') },
		{
			field: 'readyAt', label: 'Ready at', when: (job) => job.readyAt,
			make: () => el('time'), show: showInstant('readyAt'),
		},
		{
			field: 'leaseExpiresAt', label: 'Lease expires at', when: (job) => job.leaseExpiresAt,
			make: () => el('time'), show: showInstant('leaseExpiresAt'),
		},
		{
			field: 'deadLetter', label: 'Dead letter from', when: (job) => job.deadLetter,
			make: () => el('span', {}, el('a'), el('span')), show: showDeadLetter,
		},
	];

	function jobPage(queue, id) {
		const facts = fields(JOB);
		const payload = el('pre', { className: 'payload', id: 'payload' });
		const found = el('div', { hidden: true },
			el('div', { className: 'panels' },
				el('section', { className: 'panel' }, el('h3', {}, 'Job'), facts.element),
				el('section', { className: 'panel' }, el('h3', {}, 'Payload'), payload)));
		const detail = el('p', {});
		const deadLetterLink = el('a', {});
		const missing = el('section', { className: 'panel missing', id: 'job-missing', hidden: true },
			el('h3', {}, 'Not in this queue'), detail, el('p', {}, deadLetterLink));

		return {
			title: `Job ${id}`,
			element: el('section', {},
				el('p', { className: 'back' }, el('a', { href: queueLink(queue) }, `← Queue ${queue}`)),
				el('h2', {}, `Job ${id}`),
				found, missing),
			async load() {
				try {
					return await exchange('GET', jobPath(queue, id));
				}
				catch (failure) {
					if (!isProblem(failure, 'job-not-found')) {
						throw failure;
					}
					// a dead letter keeps its id: offer its dead-letter queue
					const info = await api('GET', queuePath(queue));
					return { problem: failure.problem, deadLetterQueue: info.deadLetterQueue };
				}
			},
			render(answer) {
				found.hidden = Boolean(answer.problem);
				missing.hidden = !answer.problem;
				if (answer.problem) {
					setText(detail, answer.problem.detail);
					deadLetterLink.hidden = !answer.deadLetterQueue;
					if (answer.deadLetterQueue) {
						deadLetterLink.href = jobLink(answer.deadLetterQueue, id);
						setText(deadLetterLink, `Look it up in the dead-letter queue ${answer.deadLetterQueue}`);
					}
					return;
				}
				facts.show(answer.body, answer.at);
				setText(payload, indented(memberTokens(answer.text, 'payload')));
			},
		};
	}

	// ---- the confirmation dialog

	/** Asks in the page's <dialog>; resolves true only for the confirm button. */
	function confirmed({ title, text, button, danger }) {
		const dialog = $('confirm');
		setText($('confirm-title'), title);
		setText($('confirm-text'), text);
		const ok = $('confirm-ok');
		setText(ok, button);
		ok.className = danger ? 'danger' : 'primary';
		dialog.returnValue = '';
		dialog.showModal();
		$('confirm-cancel').focus();
		return new Promise((resolve) => {
			dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
		});
	}

	// ---- errors and credentials

	/**
	 * What went wrong, in a sentence; a refusal says which key would do: looking at a
	 * queue or a job takes a consumer's or an admin's, an action an admin's.
	 */
	function describe(failure) {
		if (!(failure instanceof ApiError)) {
			return `The console failed: ${failure.message}`;
		}
		const detail = failure.problem.detail ?? failure.problem.title ?? '';
		const look = failure.method === 'GET';
		if (failure.status === 401) {
			if (credential()) {
				return `This key was refused (${detail}). Enter another.`;
			}
			return look ? 'Needs a key: this service asks for credentials. Enter an API key or JWT: a consumer\'s'
					+ ' or an admin\'s to look at queues, an admin\'s to operate them.'
				: 'Needs an admin key: this service asks for credentials. Enter an admin API key or JWT.';
		}
		if (failure.status === 403) {
			return `${look ? 'Needs a consumer or admin key' : 'Needs an admin key'}: this key may not do that`
				+ ` (${detail}).`;
		}
		if (failure.status === 0) {
			return `The service did not answer: ${detail}. Trying again.`;
		}
		return `${failure.problem.title ?? 'Error'} (${failure.status}): ${detail}`;
	}

	/** Shows why the page could not be read; a refusal asks for another key. */
	function report(failure) {
		const banner = $('banner');
		setText(banner, describe(failure));
		banner.hidden = false;
		$('key-form').hidden = !(failure instanceof ApiError && (failure.status === 401 || failure.status === 403));
		const updated = $('updated');
		updated.classList.toggle('stale', updated.textContent !== '');
	}

	function cleared() {
		$('banner').hidden = true;
		$('key-form').hidden = true;
	}

	function showKeyControls() {
		$('forget-key').hidden = !credential();
	}

	// ---- the page on screen, and polling

	let page = null;

	/** Bumped whenever the page or the polling starts over: older answers are dropped. */
	let round = 0;

	let timer = null;

	function route() {
		const job = /^#\/queues\/([^/]+)\/jobs\/([^/]+)$/.exec(location.hash);
		const queue = /^#\/queues\/([^/]+)$/.exec(location.hash);
		try {
			if (job) {
				return jobPage(decodeURIComponent(job[1]), decodeURIComponent(job[2]));
			}
			if (queue) {
				return queuePage(decodeURIComponent(queue[1]));
			}
		}
		catch {
			// a malformed escape: the list
		}
		return listPage();
	}

	function open() {
		page = route();
		document.title = `${page.title} · Dispatch`;
		$('view').replaceChildren(page.element);
		cleared();
		refreshNow();
	}

	function refreshNow() {
		round += 1;
		clearTimeout(timer);
		poll(round);
	}

	async function poll(mine) {
		if (document.hidden) {
			return; // visibilitychange starts again
		}
		const shown = page;
		try {
			const data = await shown.load();
			if (mine !== round) {
				return;
			}
			shown.render(data);
			cleared();
			const updated = $('updated');
			const now = new Date();
			updated.dateTime = now.toISOString();
			setText(updated, `Updated ${now.toLocaleTimeString()}`);
			updated.classList.remove('stale');
		}
		catch (failure) {
			if (mine !== round) {
				return;
			}
			report(failure);
		}
		timer = setTimeout(() => poll(mine), POLL_MILLIS);
	}

	document.addEventListener('visibilitychange', () => {
		if (document.hidden) {
			clearTimeout(timer);
		}
		else {
			refreshNow();
		}
	});

	window.addEventListener('hashchange', open);

	$('confirm-ok').addEventListener('click', () => $('confirm').close('ok'));
	$('confirm-cancel').addEventListener('click', () => $('confirm').close('cancel'));

	$('key-form').addEventListener('submit', (event) => {
		event.preventDefault();
		const input = $('key-input');
		const key = input.value.trim();
		if (!key) {
			return;
		}
		sessionStorage.setItem(CREDENTIAL, key);
		input.value = '';
		showKeyControls();
		cleared();
		refreshNow();
	});

	$('forget-key').addEventListener('click', () => {
		sessionStorage.removeItem(CREDENTIAL);
		showKeyControls();
		refreshNow();
	});

	showKeyControls();
	open();
})();
