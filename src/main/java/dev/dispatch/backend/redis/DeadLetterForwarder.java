package dev.dispatch.backend.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.dispatch.queue.QueueConfig;
import dev.dispatch.queue.spi.QueueState;

import static dev.dispatch.backend.redis.QueueKeys.bytes;

/**
 * Moves jobs from a queue's dead-letter outbox to their dead-letter queues (or, for a
 * redrive, home), which may live on other cluster shards: a script moves a job into the
 * outbox with the rest of its change; the forwarder then copies it to its target
 * ({@code arrive.lua}, creating the target with the defaults if need be) and only then
 * takes it out of the outbox ({@code forwarded.lua}). A job is in one of the two queues,
 * or in the outbox, at every moment.
 */
final class DeadLetterForwarder {

	private static final System.Logger log = System.getLogger(DeadLetterForwarder.class.getName());

	/** Most dead letters moved in one round. */
	private static final int FORWARD_BATCH = 500;

	/**
	 * Payload bytes after which a round takes no more dead letters: a round's scripts
	 * carry its payloads, and a large one would hold Redis and the connection.
	 */
	private static final int FORWARD_BYTES = 512 * 1024;

	/** The outbox's reason for a job going home from a dead-letter queue. */
	private static final String REDRIVE = "redrive";

	/** Who hears that jobs arrived at a queue. */
	@FunctionalInterface
	interface Arrivals {

		/**
		 * {@code added} jobs arrived at generation {@code generation} of queue
		 * {@code queue}, which is now in {@code state}; {@code created} if the arrival
		 * created the queue. Runs on a Redis thread: must not wait for Redis.
		 * @return done once the arrival is recorded
		 */
		CompletableFuture<Void> arrived(String queue, String generation, long added, boolean created, QueueState state);

	}

	private final QueueScripts scripts;

	private final Function<String, QueueKeys> keys;

	private final QueueConfig defaults;

	private final Arrivals arrivals;

	/**
	 * The forwarding under way for each source queue: forwardings of one outbox run one
	 * after the other in this replica, so that none copies a job another has already
	 * moved and whose copy was since acked.
	 */
	private final ConcurrentHashMap<String, CompletableFuture<Void>> forwarding = new ConcurrentHashMap<>();

	/**
	 * @param scripts the scripts
	 * @param keys where each queue lives
	 * @param defaults the settings of a dead-letter queue created by an arrival
	 * @param arrivals told of every arrival
	 */
	DeadLetterForwarder(QueueScripts scripts, Function<String, QueueKeys> keys, QueueConfig defaults,
			Arrivals arrivals) {
		this.scripts = scripts;
		this.keys = keys;
		this.defaults = defaults;
		this.arrivals = arrivals;
	}

	/**
	 * Answers {@code reply} once the jobs its script left in the outbox of {@code queue}
	 * have been forwarded, or forwarding failed (they then wait in the outbox for the
	 * next script that finds it non-empty): so that whoever sees the script's outcome
	 * finds them in their dead-letter queue.
	 */
	CompletableFuture<ScriptReply> after(QueueKeys queue, ScriptReply reply) {
		if (reply.state() == null || reply.state().outbox() == 0) {
			return CompletableFuture.completedFuture(reply);
		}
		return forward(queue.name()).handle((forwarded, failure) -> {
			if (failure != null) {
				log.log(System.Logger.Level.WARNING,
						"queue " + queue.name() + ": dead letters wait in the outbox: " + failure.getMessage());
			}
			return reply;
		});
	}

	/**
	 * Moves the jobs waiting in {@code source}'s outbox to their targets. Runs after any
	 * forwarding of the same outbox already under way here. A job still in its
	 * dead-letter queue is not added twice; two replicas forwarding one outbox at the
	 * same moment could add again a job already acked there (at-least-once).
	 */
	CompletableFuture<Void> forward(String source) {
		CompletableFuture<Void> next = new CompletableFuture<>();
		CompletableFuture<Void> before = this.forwarding.put(source, next);
		CompletableFuture<Void> round = (before != null)
				? before.handle((done, failure) -> null).thenCompose((done) -> round(source)) : round(source);
		round.whenComplete((done, failure) -> {
			this.forwarding.remove(source, next);
			if (failure != null) {
				next.completeExceptionally(failure);
			}
			else {
				next.complete(null);
			}
		});
		return next;
	}

	/** One pass over {@code source}'s outbox, in batches. */
	private CompletableFuture<Void> round(String source) {
		QueueKeys sourceKeys = this.keys.apply(source);
		return this.scripts.outbox(sourceKeys, FORWARD_BATCH, FORWARD_BYTES).thenCompose((reply) -> {
			// only a round cut short by its count or its byte budget is followed by
			// another: dead letters that keep coming are forwarded by the requests that
			// made them, and rounds that went on until the outbox is empty would hold
			// those requests' answers for as long as they come
			boolean more = reply.number(0) == 1;
			List<Object> entries = reply.values().subList(1, reply.values().size());
			if (entries.isEmpty()) {
				return CompletableFuture.completedFuture(null);
			}
			Map<String, List<List<Object>>> byTarget = new LinkedHashMap<>();
			for (Object entry : entries) {
				@SuppressWarnings("unchecked")
				List<Object> fields = (List<Object>) entry;
				byTarget.computeIfAbsent(ScriptReply.text(fields.get(1)), (target) -> new ArrayList<>()).add(fields);
			}
			CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
			for (Map.Entry<String, List<List<Object>>> target : byTarget.entrySet()) {
				chain = chain.thenCompose((done) -> arrive(source, target.getKey(), target.getValue()));
			}
			return chain.thenCompose((done) -> {
				List<byte[]> ids = new ArrayList<>(entries.size());
				for (Object entry : entries) {
					ids.add((byte[]) ((List<?>) entry).get(0));
				}
				return this.scripts.forwarded(sourceKeys, ids);
			}).thenCompose((done) -> more ? round(source) : CompletableFuture.completedFuture(null));
		});
	}

	private CompletableFuture<Void> arrive(String source, String target, List<List<Object>> entries) {
		List<byte[][]> jobs = new ArrayList<>(entries.size());
		for (List<Object> entry : entries) {
			String reason = ScriptReply.text(entry.get(2));
			// a redriven job goes home as a fresh one: no origin
			byte[] origin = REDRIVE.equals(reason) ? new byte[0]
					: bytes(source + "\n" + reason + "\n" + ScriptReply.text(entry.get(3)));
			jobs.add(new byte[][] { (byte[]) entry.get(0), (byte[]) entry.get(4), origin, (byte[]) entry.get(6),
					(byte[]) entry.get(7) });
		}
		// not after(): that would wait for the target's own outbox to be forwarded, and a
		// redrive forwards from a dead-letter queue to its source while the source
		// forwards to the dead-letter queue: each would wait for the other's round, for
		// ever. The target's outbox is forwarded on the side instead.
		// a dead-letter queue made by its first dead letter has none of its own; a home
		// queue made again by a redrive has the defaults
		boolean home = entries.stream().anyMatch((entry) -> REDRIVE.equals(ScriptReply.text(entry.get(2))));
		QueueConfig created = home ? this.defaults : this.defaults.forDeadLetters();
		return this.scripts.arrive(this.keys.apply(target), UUID.randomUUID().toString(), created, jobs)
			.thenCompose((reply) -> {
				if (reply.state() != null && reply.state().outbox() > 0) {
					forward(target).exceptionally((failure) -> {
						log.log(System.Logger.Level.WARNING,
								"queue " + target + ": dead letters wait in the outbox: " + failure.getMessage());
						return null;
					});
				}
				return this.arrivals.arrived(target, reply.text(0), reply.number(1), reply.number(2) == 1,
						reply.state().toQueueState());
			});
	}

}
