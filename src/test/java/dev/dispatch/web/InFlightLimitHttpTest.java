package dev.dispatch.web;

import java.io.IOException;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.dispatch.web.ApiCalls.body;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over a real socket: a queue's {@code maxInFlight}, {@code maxLeasesPerSecond} and
 * {@code maxInFlightPerGroup} are set, shown, changed and removed with its settings, and
 * a bad value is refused in words that say what a limit may be; a take at the limit
 * answers 204 after its wait, and gets a job once a lease ends.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InFlightLimitHttpTest {

	@LocalServerPort
	int port;

	private HttpResponse<String> send(String method, String path, String body)
			throws IOException, InterruptedException {
		return new ApiCalls(this.port).send(method, path, body);
	}

	@Test
	void theLimitIsASettingOfTheQueue() throws Exception {
		JsonNode created = body(send("PUT", "/v1/queues/limited", "{\"maxInFlight\": 1}"), 201);
		assertThat(created.get("maxInFlight").asInt()).isEqualTo(1);
		body(send("POST", "/v1/queues/limited/jobs", "1"), 201);
		body(send("POST", "/v1/queues/limited/jobs", "2"), 201);
		String lease = body(send("POST", "/v1/queues/limited/leases?wait=0", ""), 200).get(0).get("leaseId").asString();
		assertThat(send("POST", "/v1/queues/limited/leases?wait=0", "").statusCode()).as("at the limit").isEqualTo(204);
		assertThat(send("POST", "/v1/queues/limited/leases/" + lease + "/ack", "").statusCode()).isEqualTo(204);
		assertThat(body(send("POST", "/v1/queues/limited/leases?wait=0", ""), 200).get(0).get("payload").asInt())
			.isEqualTo(2);

		assertThat(body(send("PUT", "/v1/queues/limited", "{\"maxInFlight\": 5}"), 200).get("maxInFlight").asInt())
			.isEqualTo(5);
		assertThat(body(send("PUT", "/v1/queues/limited", "{\"capacity\": 50}"), 200).get("maxInFlight").asInt())
			.as("kept when not named")
			.isEqualTo(5);
		assertThat(body(send("PUT", "/v1/queues/limited", "{\"maxInFlight\": 0}"), 200).has("maxInFlight"))
			.as("0: no limit, not shown")
			.isFalse();
	}

	@Test
	void aBadLimitIsRefusedNamed() throws Exception {
		for (String field : new String[] { "maxInFlight", "maxLeasesPerSecond", "maxInFlightPerGroup" }) {
			for (String bad : new String[] { "-1", "1.5", "\"5\"", "2147483648", "true" }) {
				assertThat(
						body(send("PUT", "/v1/queues/bad-limit", "{\"" + field + "\": " + bad + "}"), 400).get("detail")
							.asString())
					.as(field + " " + bad)
					.startsWith("'" + field + "' ")
					.contains("0 for no limit, or a whole number from 1 to 2147483647");
			}
		}
		assertThat(body(send("PUT", "/v1/queues/bad-limit", "{\"maxInFlightPerGroup\": -1}"), 400).get("detail")
			.asString())
			.isEqualTo("'maxInFlightPerGroup' must be 0 for no limit, or a whole number from 1 to 2147483647; got -1");
		assertThat(send("GET", "/v1/queues/bad-limit", "").statusCode()).as("nothing created").isEqualTo(404);
	}

	@Test
	void theLimitPerGroupIsASettingOfTheQueue() throws Exception {
		JsonNode created = body(send("PUT", "/v1/queues/grouped", "{\"maxInFlightPerGroup\": 2}"), 201);
		assertThat(created.get("maxInFlightPerGroup").asInt()).isEqualTo(2);
		assertThat(created.get("groupLimited").asBoolean()).as("nothing ready, nothing held").isFalse();
		assertThat(created.has("maxInFlight")).as("the other limits stay unset").isFalse();
		assertThat(created.has("maxLeasesPerSecond")).isFalse();

		assertThat(
				body(send("PUT", "/v1/queues/grouped", "{\"maxInFlightPerGroup\": 1}"), 200).get("maxInFlightPerGroup")
					.asInt())
			.as("changed live")
			.isEqualTo(1);
		assertThat(body(send("PUT", "/v1/queues/grouped", "{\"capacity\": 50, \"maxInFlight\": 7}"), 200)
			.get("maxInFlightPerGroup")
			.asInt()).as("kept when not named").isEqualTo(1);
		JsonNode read = body(send("GET", "/v1/queues/grouped", ""), 200);
		assertThat(read.get("maxInFlightPerGroup").asInt()).isEqualTo(1);
		assertThat(read.get("maxInFlight").asInt()).isEqualTo(7);

		body(send("POST", "/v1/queues/grouped/jobs?group=a", "1"), 201);
		body(send("POST", "/v1/queues/grouped/jobs?group=a", "2"), 201);
		body(send("POST", "/v1/queues/grouped/jobs?group=b", "3"), 201);
		JsonNode taken = body(send("POST", "/v1/queues/grouped/leases?wait=0&max=3", ""), 200);
		assertThat(taken.valueStream().map((job) -> job.get("payload").asInt())).as("group a passed over at 1")
			.containsExactly(1, 3);
		assertThat(send("POST", "/v1/queues/grouped/leases?wait=0", "").statusCode()).as("a's job waits")
			.isEqualTo(204);
		assertThat(body(send("GET", "/v1/queues/grouped", ""), 200).get("groupLimited").asBoolean()).isTrue();
		String leaseOfA = taken.get(0).get("leaseId").asString();
		assertThat(send("POST", "/v1/queues/grouped/leases/" + leaseOfA + "/ack", "").statusCode()).isEqualTo(204);
		assertThat(body(send("GET", "/v1/queues/grouped", ""), 200).get("groupLimited").asBoolean()).isFalse();
		assertThat(body(send("POST", "/v1/queues/grouped/leases?wait=0", ""), 200).get(0).get("payload").asInt())
			.isEqualTo(2);

		assertThat(body(send("GET", "/v1/queues", ""), 200).valueStream()
			.filter((queue) -> queue.get("name").asString().equals("grouped"))
			.map((queue) -> queue.get("maxInFlightPerGroup").asInt())).as("in the list too").containsExactly(1);

		JsonNode removed = body(send("PUT", "/v1/queues/grouped", "{\"maxInFlightPerGroup\": 0}"), 200);
		assertThat(removed.has("maxInFlightPerGroup")).as("0: no limit, not shown").isFalse();
		assertThat(removed.has("groupLimited")).as("nor whether it holds takes back").isFalse();
		assertThat(removed.get("maxInFlight").asInt()).isEqualTo(7);
	}

	@Test
	void theRateIsASettingOfTheQueue() throws Exception {
		JsonNode created = body(send("PUT", "/v1/queues/paced", "{\"maxLeasesPerSecond\": 1}"), 201);
		assertThat(created.get("maxLeasesPerSecond").asInt()).isEqualTo(1);
		body(send("POST", "/v1/queues/paced/jobs", "1"), 201);
		body(send("POST", "/v1/queues/paced/jobs", "2"), 201);
		body(send("POST", "/v1/queues/paced/jobs", "3"), 201);
		assertThat(body(send("POST", "/v1/queues/paced/leases?wait=0&max=3", ""), 200).size())
			.as("a burst of one at 1 a second")
			.isEqualTo(1);
		assertThat(body(send("PUT", "/v1/queues/paced", "{\"capacity\": 50}"), 200).get("maxLeasesPerSecond").asInt())
			.as("kept when not named")
			.isEqualTo(1);
		assertThat(body(send("PUT", "/v1/queues/paced", "{\"maxLeasesPerSecond\": 0}"), 200).has("maxLeasesPerSecond"))
			.as("0: no limit, not shown")
			.isFalse();
		assertThat(body(send("POST", "/v1/queues/paced/leases?wait=0&max=3", ""), 200).size()).isEqualTo(2);
	}

}
