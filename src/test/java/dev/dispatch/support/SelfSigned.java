package dev.dispatch.support;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's
 * {@code keytool} (valid two days): as a PKCS12 keystore, and as the PEM files a
 * {@code kubernetes.io/tls} Secret holds; and a client context that trusts it.
 *
 * @param keystore the PKCS12 file, whose password is {@link #PASSWORD}
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem its private key, PEM (PKCS #8)
 */
public record SelfSigned(Path keystore, String certificatePem, String privateKeyPem) {

	/** The keystore's and the key's password. */
	public static final String PASSWORD = "changeit-test";

	/** Makes one in {@code directory} (created if missing). */
	public static SelfSigned make(Path directory) throws Exception {
		Files.createDirectories(directory);
		Path keystore = directory.resolve("self-signed.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "self", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname",
				"CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore",
				keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
			.redirectErrorStream(true)
			.start();
		String said = new String(keytool.getInputStream().readAllBytes());
		if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
			throw new IllegalStateException("keytool failed: " + said);
		}
		KeyStore store = load(keystore);
		Certificate certificate = store.getCertificate("self");
		PrivateKey key = (PrivateKey) store.getKey("self", PASSWORD.toCharArray());
		return new SelfSigned(keystore, pem("CERTIFICATE", certificate.getEncoded()),
				pem("PRIVATE KEY", key.getEncoded()));
	}

	/** A TLS context that trusts this certificate only. */
	public SSLContext trusting() throws Exception {
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(load(this.keystore));
		SSLContext ssl = SSLContext.getInstance("TLS");
		ssl.init(null, trust.getTrustManagers(), null);
		return ssl;
	}

	private static KeyStore load(Path keystore) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keystore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

}
