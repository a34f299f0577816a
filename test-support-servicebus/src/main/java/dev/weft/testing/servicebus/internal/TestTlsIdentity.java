package dev.weft.testing.servicebus.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The endpoint's TLS identity: a self-signed certificate for {@code localhost} and {@code 127.0.0.1} with its RSA
 * key, shipped in this module's resources. It protects nothing (its password is in this file, it exists only so
 * that the SDK's TLS code paths can run against a local endpoint) and must never be trusted outside tests.
 * Immutable and thread-safe.
 */
public final class TestTlsIdentity {

    private static final String RESOURCE = "/dev/weft/testing/servicebus/localhost-tls.p12";
    private static final String PASSWORD = "weft-test-only";
    private static final String ALIAS = "localhost";

    private static final byte[] KEY_STORE = load();

    private TestTlsIdentity() {
    }

    /** The PKCS#12 key store bytes (key and certificate). */
    public static byte[] pkcs12() {
        return KEY_STORE.clone();
    }

    public static String password() {
        return PASSWORD;
    }

    /** A TLS client context that trusts this certificate and nothing else. */
    public static SSLContext trustingClientContext() {
        try {
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(new ByteArrayInputStream(KEY_STORE), PASSWORD.toCharArray());
            Certificate certificate = identity.getCertificate(ALIAS);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot build a TLS context trusting the test certificate", e);
        }
    }

    private static byte[] load() {
        try (InputStream in = TestTlsIdentity.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
