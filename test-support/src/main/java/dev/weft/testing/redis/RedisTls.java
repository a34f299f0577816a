package dev.weft.testing.redis;

import dev.weft.testing.process.TestDirectories;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for a test redis-server: a fresh self-signed certificate for {@code 127.0.0.1} and
 * {@code localhost} (subject alternative names, so clients can verify the peer fully), its private key, and a
 * PKCS#12 trust store holding the certificate for Java clients.
 *
 * <p>Generated with the running JDK's {@code keytool} (an EC P-256 key, valid two days), so it needs neither
 * OpenSSL nor a crypto library. Files live in a new directory under the test directory. Immutable, thread-safe.
 *
 * <p>Lettuce example:
 * <pre>{@code
 * client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
 *         .truststore(tls.truststore().toFile(), tls.truststorePassword()).build()).build());
 * }</pre>
 */
public final class RedisTls {

    private static final String PASSWORD = "weft-test";
    private static final String ALIAS = "redis";

    private final Path directory;
    private final X509Certificate certificate;

    private RedisTls(Path directory, X509Certificate certificate) {
        this.directory = directory;
        this.certificate = certificate;
    }

    /**
     * Generates new material (takes a JVM start for keytool, under a second).
     *
     * @throws IllegalStateException if keytool fails, with its output
     */
    public static RedisTls selfSigned() {
        Path dir = TestDirectories.newDirectory("tls", "self-signed");
        Path keystore = dir.resolve("server.p12");
        runKeytool(dir, List.of("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        try {
            KeyStore serverStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                serverStore.load(in, PASSWORD.toCharArray());
            }
            Key key = serverStore.getKey(ALIAS, PASSWORD.toCharArray());
            X509Certificate certificate = (X509Certificate) serverStore.getCertificate(ALIAS);
            // PEM files are what redis-server (OpenSSL) reads; PKCS#8 "PRIVATE KEY" is accepted for any key type.
            Files.writeString(dir.resolve("server.crt"), pem("CERTIFICATE", certificate.getEncoded()));
            Files.writeString(dir.resolve("server.key"), pem("PRIVATE KEY", ((PrivateKey) key).getEncoded()));

            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry(ALIAS, certificate);
            try (OutputStream out = Files.newOutputStream(dir.resolve("truststore.p12"))) {
                trustStore.store(out, PASSWORD.toCharArray());
            }
            return new RedisTls(dir, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS material to " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key pair keytool generated in " + keystore, e);
        }
    }

    /** The certificate, PEM-encoded (also usable as the CA file: it is self-signed). */
    public Path certificatePem() {
        return directory.resolve("server.crt");
    }

    /** The private key, PEM-encoded PKCS#8. */
    public Path privateKeyPem() {
        return directory.resolve("server.key");
    }

    /** A PKCS#12 trust store containing the certificate. */
    public Path truststore() {
        return directory.resolve("truststore.p12");
    }

    /** The password of {@link #truststore()}. */
    public String truststorePassword() {
        return PASSWORD;
    }

    /** The certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** A client {@link SSLContext} that trusts exactly this certificate. */
    public SSLContext sslContext() {
        try {
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry(ALIAS, certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an SSLContext trusting " + certificatePem(), e);
        }
    }

    @Override
    public String toString() {
        return "self-signed TLS material in " + directory;
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void runKeytool(Path dir, List<String> args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(args);
        Path output = dir.resolve("keytool.log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s; output: "
                        + Files.readString(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool exited with " + process.exitValue() + ": "
                        + Files.readString(output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + keytool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating TLS material", e);
        }
    }
}
