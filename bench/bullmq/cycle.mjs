// BullMQ's side of bench/bullmq.sh: PRODUCERS producers add jobs to one queue, one Worker with
// concurrency PRODUCERS completes each at once; completed jobs per second.
//
// Each producer runs cycles, as a connection of bench/cycle.lua does on Dispatch: it adds a job
// (queue.add; with --bulk 10, queue.addBulk of 10) and waits until the worker has completed it
// (them), then adds the next. So at most PRODUCERS (x bulk) jobs are in the queue at once, as on
// Dispatch, where each connection puts, takes and acks one job (a batch) at a time. --window W
// lets a producer have W cycles open (it waits for the oldest before adding more): a backlog of up
// to PRODUCERS x W jobs, from which BullMQ's worker fetches the next job as it completes one. The
// producer learns of the completion from the Worker's own 'completed' event (same process): no Redis
// command. Each producer has a Queue (a Redis connection) of its own, like 8 producer processes.
// Every job's data is {"n":1}, bench/cycle.lua's payload; completed jobs are removed
// (removeOnComplete), as Dispatch forgets an acked job.
//
// The run: a warm-up of --warmup seconds; then the producers stop, the queue empties, and the
// script prints "ready" and waits for SIGUSR2 (bench/bullmq.sh takes its snapshots of Redis
// meanwhile); then --duration seconds of cycles, after which the producers finish their cycles
// and the script prints
//   jobs: N (R/s) in S s, cycles C, bulk B, window W, failed F
// and waits for SIGUSR2 again (the second snapshots) before closing its connections and exiting.
// Nothing runs between "ready" (or the result) and the signal but BullMQ's own idle commands.
//
//   node bench/bullmq/cycle.mjs --port 6379 [--producers 8] [--bulk 1] [--window 1] [--warmup 5]
//     [--duration 10]
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';

const { values: options } = parseArgs({
	options: {
		host: { type: 'string', default: '127.0.0.1' },
		port: { type: 'string' },
		queue: { type: 'string', default: 'bench' },
		producers: { type: 'string', default: '8' },
		bulk: { type: 'string', default: '1' },
		window: { type: 'string', default: '1' },
		warmup: { type: 'string', default: '5' },
		duration: { type: 'string', default: '10' },
	},
});
if (!options.port) {
	console.error('--port (of the redis-server) is required');
	process.exit(2);
}
const connection = { host: options.host, port: Number(options.port) };
const producers = positive('producers');
const bulk = positive('bulk');
const maxOpen = positive('window');
const warmup = Number(options.warmup);
const duration = Number(options.duration);

function positive(name) {
	const value = Number(options[name]);
	if (!Number.isInteger(value) || value < 1) {
		console.error(`--${name} must be a whole number of at least 1, not ${options[name]}`);
		process.exit(2);
	}
	return value;
}

// Jobs the worker completed, by id, until their producer has seen them: a producer waits on its
// ids; an id completed before its producer looked (the add's answer still on its way) is kept.
const waiting = new Map();
const completedEarly = new Set();
function completed(id) {
	return new Promise((resolve) => {
		if (completedEarly.delete(id)) {
			resolve();
		}
		else {
			waiting.set(id, resolve);
		}
	});
}

const worker = new Worker(options.queue, async () => undefined, {
	connection,
	concurrency: producers,
	removeOnComplete: { count: 0 },
});
function finished(id) {
	const resolve = waiting.get(id);
	if (resolve) {
		waiting.delete(id);
		resolve();
	}
	else {
		completedEarly.add(id);
	}
}
worker.on('completed', (job) => finished(job.id));
// A failed job ends its cycle too (counted, and printed): the run goes on.
let failures = 0;
worker.on('failed', (job, error) => {
	failures++;
	console.error(`job ${job?.id} failed: ${error.message}`);
	if (job) {
		finished(job.id);
	}
});
worker.on('error', (error) => console.error(`worker: ${error.message}`));

const queues = Array.from({ length: producers }, () => new Queue(options.queue, { connection }));
const batch = Array.from({ length: bulk }, () => ({ name: 'job', data: { n: 1 } }));

// Runs every producer's cycles until `until` (ms since the epoch) has passed, then waits for the
// cycles still open; the cycles done. A cycle is an add (or addBulk) and the completion of its
// job(s); a producer has at most --window cycles open, and adds the next once the oldest is done.
async function run(until) {
	let cycles = 0;
	await Promise.all(queues.map(async (queue) => {
		const open = [];
		while (Date.now() < until) {
			if (bulk === 1) {
				const job = await queue.add('job', { n: 1 });
				open.push(completed(job.id));
			}
			else {
				const jobs = await queue.addBulk(batch);
				open.push(Promise.all(jobs.map((job) => completed(job.id))));
			}
			if (open.length >= maxOpen) {
				await open.shift();
				cycles++;
			}
		}
		await Promise.all(open);
		cycles += open.length;
	}));
	return cycles;
}

// SIGUSR2 (SIGUSR1 would start Node's inspector): the n-th signal received resolves signal(n).
let signals = 0;
let onSignal = () => {};
process.on('SIGUSR2', () => {
	signals++;
	onSignal();
});
function signal(n) {
	return new Promise((resolve) => {
		onSignal = () => signals >= n && resolve();
		onSignal();
	});
}

await Promise.all([worker.waitUntilReady(), ...queues.map((queue) => queue.waitUntilReady())]);
await run(Date.now() + warmup * 1000);
console.log('ready');
await signal(1);
const started = process.hrtime.bigint();
const cycles = await run(Date.now() + duration * 1000);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const jobs = cycles * bulk;
console.log(`jobs: ${jobs} (${(jobs / seconds).toFixed(0)}/s) in ${seconds.toFixed(3)} s, cycles ${cycles}, `
	+ `bulk ${bulk}, window ${maxOpen}, failed ${failures}`);
await signal(2);
await Promise.all([worker.close(), ...queues.map((queue) => queue.close())]);
