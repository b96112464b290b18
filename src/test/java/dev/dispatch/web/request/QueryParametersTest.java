package dev.dispatch.web.request;

import dev.dispatch.web.request.QueryParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

class QueryParametersTest {

	@ParameterizedTest(name = "''{0}'' -> {1}")
	@CsvSource(nullValues = "NULL",
			value = { "wait=5s, 5s", "max=2&wait=5s&ack=auto, 5s", "wait=5s&wait=9s, 5s", "w%61it=5%73, 5s",
					"wait=, ''", "wait, NULL", "waiting=5s&await=1s, NULL", "&&wait=1&, 1", "'', NULL", "NULL, NULL",
					"a=1&wait=%E2%82%AC, €", "wait=a+b, a b", "wait=a%2Bb, a+b" })
	void theFirstValueOfTheNamedParameterIsRead(String query, String expected) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/queues/q/leases");
		request.setQueryString(query);
		assertThat(QueryParameters.first(request, "wait")).isEqualTo(expected);
	}

}
