package dev.dispatch.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.dispatch.DispatchApplication;
import dev.dispatch.support.SelfSigned;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS as docs/security.md sets it up, through a Spring Boot SSL bundle: the service
 * answers HTTPS with the bundle's certificate (made with the JDK's keytool), and a client
 * that does not trust it is refused in the handshake.
 */
class TlsTest {

	private static Path dir;

	private static SelfSigned certificate;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void startOverTls() throws Exception {
		dir = Files.createTempDirectory("dispatch-tls");
		certificate = SelfSigned.make(dir);
		context = new SpringApplicationBuilder(DispatchApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.jmx.enabled=false",
				"--spring.ssl.bundle.jks.dispatch.keystore.location=file:" + certificate.keystore(),
				"--spring.ssl.bundle.jks.dispatch.keystore.password=" + SelfSigned.PASSWORD,
				"--spring.ssl.bundle.jks.dispatch.keystore.type=PKCS12", "--server.ssl.bundle=dispatch");
	}

	@AfterAll
	static void stop() throws Exception {
		if (context != null) {
			context.close();
		}
		if (dir != null) {
			try (var files = Files.list(dir)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
			Files.delete(dir);
		}
	}

	@Test
	void theApiAnswersOverTlsWithTheBundlesCertificate() throws Exception {
		HttpClient trusting = HttpClient.newBuilder().sslContext(certificate.trusting()).build();
		HttpResponse<String> put = trusting.send(request("/v1/queues/tls/jobs", "{\"secret\":1}"),
				HttpResponse.BodyHandlers.ofString());
		assertThat(put.statusCode()).isEqualTo(201);
		HttpResponse<String> take = trusting.send(request("/v1/queues/tls/leases?ack=auto", ""),
				HttpResponse.BodyHandlers.ofString());
		assertThat(take.body()).contains("\"secret\":1");
	}

	@Test
	void aClientThatDoesNotTrustTheCertificateIsRefused() {
		HttpClient stranger = HttpClient.newHttpClient();
		assertThatThrownBy(() -> stranger.send(request("/v1/queues", null), HttpResponse.BodyHandlers.ofString()))
			.isInstanceOf(SSLHandshakeException.class);
	}

	private static HttpRequest request(String path, String body) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10));
		return (body != null) ? request.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build() : request.GET().build();
	}

}
