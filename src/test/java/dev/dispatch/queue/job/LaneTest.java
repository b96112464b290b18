package dev.dispatch.queue.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LaneTest {

	@Test
	void theDefaultLaneIsPriorityFiveInTheDefaultGroup() {
		assertThat(Lane.of(5, null)).isSameAs(Lane.DEFAULT);
		assertThat(Lane.DEFAULT.isDefault()).isTrue();
		assertThat(Lane.of(5, "g").isDefault()).isFalse();
		assertThat(Lane.DEFAULT.withPriority(9).withGroup("g")).isEqualTo(new Lane(9, "g"));
	}

	@Test
	void prioritiesAreOneToNine() {
		assertThat(Lane.of(1, null).priority()).isOne();
		assertThat(Lane.of(9, null).priority()).isEqualTo(9);
		assertThatIllegalArgumentException().isThrownBy(() -> Lane.of(0, null)).withMessageContaining("1 to 9, got 0");
		assertThatIllegalArgumentException().isThrownBy(() -> Lane.of(10, null));
	}

	@Test
	void aGroupIsOneTo128CharactersWithoutControlCharacters() {
		assertThat(Lane.of(5, "é-tenant/42:eu").group()).isEqualTo("é-tenant/42:eu");
		assertThat(Lane.of(5, "g".repeat(128)).group()).hasSize(128);
		assertThatIllegalArgumentException().isThrownBy(() -> Lane.of(5, ""));
		assertThatIllegalArgumentException().isThrownBy(() -> Lane.of(5, "g".repeat(129)));
		assertThatIllegalArgumentException().isThrownBy(() -> Lane.of(5, "a\nb"))
			.withMessageContaining("control characters");
	}

}
