package dev.dispatch.backend.redis;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import dev.dispatch.queue.spi.StoreEvents;

/**
 * The wake-ups of one replica: each queue's scripts publish on its wake channel
 * ({@code <prefix>:{q}:wake}, sharded pub/sub) when they changed what a parked request
 * could get, and a replica hears the channel of a queue while a room of its watches it
 * (see {@link dev.dispatch.queue.spi.WaitingRoom}). A message this replica published
 * itself is not heard: its own rooms learned the change from the script's answer.
 */
final class WakeChannel implements AutoCloseable {

	private final StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private final String prefix;

	private final RedisPubSubListener<byte[], byte[]> listener;

	/**
	 * The rooms that hear each queue's channel, by queue name (a room of an old
	 * generation may leave it as a new one joins). A channel is subscribed while its set
	 * is not empty; subscribe and unsubscribe are sent under this map's monitor, so they
	 * reach the connection in the order the sets changed.
	 */
	private final Map<String, Set<StoreEvents>> listening = new HashMap<>();

	/**
	 * @param connection the pub/sub connection (not closed here)
	 * @param prefix what every key starts with
	 * @param replica this replica's id, the message of its own wake-ups
	 */
	WakeChannel(StatefulRedisPubSubConnection<byte[], byte[]> connection, String prefix, byte[] replica) {
		this.connection = connection;
		this.prefix = prefix;
		this.listener = new RedisPubSubAdapter<>() {

			@Override
			public void smessage(byte[] shardChannel, byte[] message) {
				if (!Arrays.equals(message, replica)) {
					wake(shardChannel);
				}
			}

		};
		connection.addListener(this.listener);
	}

	/**
	 * {@code room} hears the wake channel of {@code queue} from now on; once the
	 * subscription is confirmed, it looks at its state (a wake-up published before was
	 * not heard). The confirmation comes on the connection's thread, never the caller's
	 * (which may hold the room's lock); without one, the room's recheck stands in.
	 */
	void listen(QueueKeys queue, StoreEvents room) {
		synchronized (this.listening) {
			Set<StoreEvents> heard = this.listening.computeIfAbsent(queue.name(), (name) -> new LinkedHashSet<>());
			if (heard.add(room) && heard.size() == 1) {
				this.connection.async().ssubscribe(queue.channel()).thenRun(room::look);
			}
		}
	}

	/** {@code room} no longer hears the wake channel of {@code queue}. */
	void unlisten(QueueKeys queue, StoreEvents room) {
		synchronized (this.listening) {
			Set<StoreEvents> heard = this.listening.get(queue.name());
			if (heard != null && heard.remove(room) && heard.isEmpty()) {
				this.listening.remove(queue.name());
				if (this.connection.isOpen()) {
					this.connection.async().sunsubscribe(queue.channel());
				}
			}
		}
	}

	/** Stops hearing wake-ups; the connection stays open. */
	@Override
	public void close() {
		this.connection.removeListener(this.listener);
	}

	private void wake(byte[] channel) {
		String name = QueueKeys.nameOfChannel(this.prefix, channel);
		if (name == null) {
			return;
		}
		List<StoreEvents> rooms;
		synchronized (this.listening) {
			rooms = List.copyOf(this.listening.getOrDefault(name, Set.of()));
		}
		rooms.forEach(StoreEvents::nudge);
	}

}
