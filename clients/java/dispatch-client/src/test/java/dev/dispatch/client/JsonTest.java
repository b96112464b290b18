package dev.dispatch.client;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's own JSON writing and instant reading, held to Jackson's and the JDK's. */
class JsonTest {

	@ParameterizedTest
	@ValueSource(strings = { "2026-12-07T16:30:20Z", "2026-12-07T16:30:20.1Z", "2026-12-07T16:30:20.123Z",
			"2026-12-07T16:30:20.123456Z", "2026-12-07T16:30:20.123456789Z", "1970-01-01T00:00:00Z",
			"2024-02-29T23:59:59.999999999Z", "0001-01-01T00:00:00Z", "2026-12-07T16:30:20+01:00",
			"+12026-12-07T16:30:20Z", "2026-12-07T16:30:20.Z" })
	void readsAnInstantAsTheJdkDoes(String text) {
		assertThat(Json.instant(text)).isEqualTo(Instant.parse(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "2026-02-30T16:30:20Z", "2026-13-07T16:30:20Z", "2026-12-07T24:30:20Z",
			"2026-12-07T16:30:20.1234567890Z", "2026-12-0xT16:30:20Z", "yesterday" })
	void refusesWhatIsNoInstantAsTheJdkDoes(String text) {
		assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
		assertThatThrownBy(() -> Json.instant(text)).isInstanceOf(DateTimeParseException.class);
	}

	@Test
	void writesAStringThatJacksonReadsBackUnchanged() {
		String text = "quote \" backslash \\ newline \n tab \t return \r nul \u0000 unit \u001f é ✓ 😀";
		StringBuilder json = new StringBuilder();
		Json.appendString(json, text);
		assertThat(JsonMapper.builder().build().readValue(json.toString(), String.class)).isEqualTo(text);
	}

}
