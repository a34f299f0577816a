package dev.weft.caching.redis.backend.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One of the Lua scripts that keep the Redis level consistent (the {@code .lua} resources beside this class, each
 * with {@code common.lua} and, for stores and checks, {@code fence.lua} in front). Run by digest; a node that does
 * not have it (restarted, another cluster node) gets its text once ({@link L2Connection}).
 */
public enum Script {
    READ("read.lua"),
    BEGIN("begin.lua"),
    WRITE("fence.lua", "write.lua"),
    CHECK("fence.lua", "check.lua"),
    INVALIDATE("invalidate.lua"),
    RELEASE("release.lua");

    private final byte[] text;
    private final String digest;

    Script(String... parts) {
        StringBuilder sb = new StringBuilder(load("common.lua"));
        for (String part : parts) {
            sb.append('\n').append(load(part));
        }
        this.text = sb.toString().getBytes(StandardCharsets.UTF_8);
        this.digest = sha1(text);
    }

    /** The script's source, as sent to Redis. */
    public byte[] text() {
        return text.clone();
    }

    byte[] textUnsafe() {
        return text;
    }

    /** The SHA-1 Redis names it by. */
    public String digest() {
        return digest;
    }

    private static String load(String name) {
        try (InputStream in = Script.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(bytes);
            StringBuilder sb = new StringBuilder(40);
            for (byte b : d) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
