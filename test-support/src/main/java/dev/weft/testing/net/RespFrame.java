package dev.weft.testing.net;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One complete frame of what a Redis server sends (RESP2 or RESP3), read from a stream: its raw bytes, to forward
 * unchanged, and enough of its structure to recognize a pub/sub message. Strings become {@code byte[]}, aggregates
 * {@code List<Object>}, numbers {@code Long}, nulls {@code null}; an attribute ({@code |}) is read with the frame it
 * annotates.
 */
final class RespFrame {

    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_BULK = 512 * 1024 * 1024;

    private final byte[] raw;
    private final Object value;

    private RespFrame(byte[] raw, Object value) {
        this.raw = raw;
        this.value = value;
    }

    byte[] raw() {
        return raw;
    }

    /** {channel, payload} when this frame is a pub/sub message (RESP2 array or RESP3 push), else {@code null}. */
    byte[][] pubSubMessage() {
        if (!(value instanceof List)) {
            return null;
        }
        List<?> parts = (List<?>) value;
        if (parts.size() != 3 || !(parts.get(0) instanceof byte[]) || !Arrays.equals((byte[]) parts.get(0), MESSAGE)
                || !(parts.get(1) instanceof byte[]) || !(parts.get(2) instanceof byte[])) {
            return null;
        }
        return new byte[][] {(byte[]) parts.get(1), (byte[]) parts.get(2)};
    }

    /** The next frame, or {@code null} at the end of the stream between frames. */
    static RespFrame read(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Object value = readValue(first, in, raw);
        return new RespFrame(raw.toByteArray(), value);
    }

    private static Object readValue(int type, InputStream in, ByteArrayOutputStream raw) throws IOException {
        raw.write(type);
        switch (type) {
            case '+':
            case '-':
            case ',':
            case '#':
            case '(':
                return line(in, raw).getBytes(StandardCharsets.UTF_8);
            case ':':
                return Long.parseLong(line(in, raw));
            case '_':
                line(in, raw);
                return null;
            case '$':
            case '!':
            case '=':
                return bulk(in, raw);
            case '*':
            case '~':
            case '>':
                return aggregate(in, raw, 1);
            case '%':
                return aggregate(in, raw, 2);
            case '|':
                aggregate(in, raw, 2);
                return readValue(next(in), in, raw);
            default:
                throw new IOException("not RESP: type byte " + type);
        }
    }

    private static byte[] bulk(InputStream in, ByteArrayOutputStream raw) throws IOException {
        int length = Integer.parseInt(line(in, raw));
        if (length < 0) {
            return null;
        }
        if (length > MAX_BULK) {
            throw new IOException("bulk string of " + length + " bytes");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException();
        }
        raw.write(bytes);
        if (next(in) != '\r' || next(in) != '\n') {
            throw new IOException("bulk string without CRLF");
        }
        raw.write('\r');
        raw.write('\n');
        return bytes;
    }

    private static List<Object> aggregate(InputStream in, ByteArrayOutputStream raw, int perEntry) throws IOException {
        int count = Integer.parseInt(line(in, raw));
        if (count < 0) {
            return null;
        }
        List<Object> values = new ArrayList<>(Math.min(count * perEntry, 1024));
        for (int i = 0; i < count * perEntry; i++) {
            values.add(readValue(next(in), in, raw));
        }
        return values;
    }

    /** A line up to CRLF (copied to {@code raw} with it), without the CRLF. */
    private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = next(in);
            raw.write(c);
            if (c == '\r') {
                int lf = next(in);
                raw.write(lf);
                if (lf != '\n') {
                    throw new IOException("CR without LF");
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    private static int next(InputStream in) throws IOException {
        int c = in.read();
        if (c < 0) {
            throw new EOFException();
        }
        return c;
    }
}
