package dev.dispatch.queue;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The default dead-letter queue's name: valid, and never the queue's own. */
class QueueNamesTest {

	@Test
	void namesOfOnlyDotsAreNotNames() {
		assertThat(QueueNames.isValid(".")).isFalse();
		assertThat(QueueNames.isValid("..")).isFalse();
		assertThat(QueueNames.isValid("...")).isFalse();
		assertThat(QueueNames.isValid(".hidden")).isTrue();
		assertThat(QueueNames.isValid("a.b")).isTrue();
	}

	@Test
	void aQueuesDeadLetterQueueIsItsNameWithDead() {
		assertThat(QueueNames.deadLetterQueueOf("orders")).isEqualTo("orders.dead");
		assertThat(QueueNames.deadLetterQueueOf("orders.dead")).isEqualTo("orders.dead.dead");
	}

	@Test
	void aLongNameIsCutToFit() {
		String name = "q".repeat(QueueNames.MAX_LENGTH);
		String dead = QueueNames.deadLetterQueueOf(name);
		assertThat(dead).hasSize(QueueNames.MAX_LENGTH).endsWith(".dead").isNotEqualTo(name);
		assertThat(QueueNames.isValid(dead)).isTrue();
	}

	@Test
	void aLongNameEndingInDeadIsNeverItsOwnDeadLetterQueue() {
		for (String head : new String[] { "q".repeat(123), "q".repeat(122) + "_" }) {
			String name = head + ".dead";
			assertThat(name).hasSize(QueueNames.MAX_LENGTH);
			String dead = QueueNames.deadLetterQueueOf(name);
			assertThat(dead).isNotEqualTo(name).hasSize(QueueNames.MAX_LENGTH).endsWith(".dead");
			assertThat(QueueNames.isValid(dead)).isTrue();
		}
	}

}
