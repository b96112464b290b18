package dev.dispatch.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;

/**
 * An issuer's signing key, made here, and its public JWK set served over real HTTP on a
 * free loopback port, as a resource server fetches it ({@code jwk-set-uri}).
 */
public final class JwkSetServer implements AutoCloseable {

	private final RSAKey signing;

	private final HttpServer server;

	private JwkSetServer(RSAKey signing, HttpServer server) {
		this.signing = signing;
		this.server = server;
	}

	/** Makes a 2048-bit RSA key named {@code keyId} and serves its public half. */
	public static JwkSetServer start(String keyId) throws IOException, JOSEException {
		RSAKey signing = new RSAKeyGenerator(2048).keyID(keyId).generate();
		byte[] keys = new JWKSet(signing.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/jwks", (exchange) -> {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, keys.length);
			exchange.getResponseBody().write(keys);
			exchange.close();
		});
		server.start();
		return new JwkSetServer(signing, server);
	}

	/** The key tokens are to be signed with. */
	public RSAKey signing() {
		return this.signing;
	}

	/** Where the JWK set is served. */
	public String uri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks";
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
