package dev.dispatch.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the client logged, read from {@code java.util.logging} (where
 * {@link System.Logger} goes without another backend): attach to the consumer's logger,
 * detach when done.
 */
final class LogRecords extends Handler implements AutoCloseable {

	private final Logger logger = Logger.getLogger(DispatchConsumer.class.getName());

	private final List<String> messages = new CopyOnWriteArrayList<>();

	LogRecords() {
		this.logger.addHandler(this);
	}

	/** The messages containing {@code text}. */
	List<String> containing(String text) {
		return this.messages.stream().filter((message) -> message.contains(text)).toList();
	}

	@Override
	public void publish(LogRecord record) {
		Object[] parameters = record.getParameters();
		String message = record.getMessage();
		if (parameters != null) {
			message = java.text.MessageFormat.format(message, parameters);
		}
		this.messages.add(message);
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
		this.logger.removeHandler(this);
	}

}
