package dev.weft.testing.redis;

import dev.weft.testing.net.FreePorts;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The few RESP2 round trips this module needs for itself (readiness probes, statistics): not a Redis client.
 * Replies map to {@code String} (simple and bulk strings), {@code Long}, {@code List<Object>} and {@code null};
 * an error reply is thrown as {@link ErrorReply}. One connection, one thread; every read is bounded by the
 * socket timeout.
 */
final class RespConnection implements Closeable {

    /** An error reply ({@code -ERR ...}); its message is the reply text. */
    static final class ErrorReply extends Exception {
        private static final long serialVersionUID = 1L;

        ErrorReply(String text) {
            super(text, null, false, false);
        }

        boolean startsWith(String code) {
            return getMessage().startsWith(code);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port, over TLS when {@code tls} is not null. */
    static RespConnection open(int port, SSLContext tls, Duration timeout) throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(FreePorts.loopback(), port), millis);
            socket.setSoTimeout(millis);
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", port, true);
                ssl.setSoTimeout(millis);
                ssl.startHandshake();
                return new RespConnection(ssl);
            }
            return new RespConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one command and reads its reply. */
    Object call(String... args) throws IOException, ErrorReply {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        writeAscii(request, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(request, "$" + bytes.length + "\r\n");
            request.write(bytes);
            writeAscii(request, "\r\n");
        }
        out.write(request.toByteArray());
        out.flush();
        return read();
    }

    private Object read() throws IOException, ErrorReply {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by the server");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                if (bytes.length < length + 2) {
                    throw new EOFException("truncated bulk string");
                }
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    try {
                        items.add(read());
                    } catch (ErrorReply nested) {
                        items.add(nested);
                    }
                }
                return items;
            }
            default:
                throw new IOException("not a RESP2 reply, type byte " + type + " followed by: " + line);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the middle of a reply");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    private static void writeAscii(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
