package dev.weft.testing.jvm;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The child's end of the line protocol of {@link JvmProcess}: commands arrive as lines on stdin, replies leave as
 * lines on stdout. It keeps child mains short:
 *
 * <pre>{@code
 * public static void main(String[] args) throws Exception {
 *     ChildChannel channel = ChildChannel.open();
 *     Cache cache = setUp(args);
 *     channel.ready();
 *     channel.serve(command -> switch (command.split(" ")[0]) {
 *         case "GET" -> "VALUE " + cache.get(command.substring(4));
 *         default -> throw new IllegalArgumentException("unknown command " + command);
 *     });
 *     System.exit(0); // in case the code under test left non-daemon threads behind
 * }
 * }</pre>
 *
 * <p>{@link #open()} claims stdout for the protocol and points {@code System.out} at stderr, so stray prints and
 * loggers writing to stdout cannot corrupt the protocol - they end up in the parent's stderr capture instead.
 * It also watches the parent JVM: when the parent dies (even by SIGKILL), this JVM halts within about five
 * seconds, so a crashed test run leaves no child JVM behind.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread; reads are serialized.
 */
public final class ChildChannel implements AutoCloseable {

    /** The line a child sends when it is ready for commands. */
    public static final String READY = "READY";
    /** The command that ends {@link #serve}. */
    public static final String EXIT = "EXIT";
    /** Prefix of the reply {@link #serve} sends when a handler throws; {@link JvmProcess#request} fails on it. */
    public static final String ERROR_PREFIX = "ERROR ";
    /** System property by which {@link JvmLauncher} tells the child its parent's pid. */
    public static final String PARENT_PID_PROPERTY = "weft.testing.parentPid";
    /** System property by which {@link JvmLauncher} tells the child its name. */
    public static final String NAME_PROPERTY = "weft.testing.childName";
    /** Exit status of a child that halts because its parent died. */
    public static final int PARENT_GONE_EXIT_CODE = 86;

    /** Handles one command; returns the reply line, or null to send none. */
    @FunctionalInterface
    public interface CommandHandler {
        String handle(String command) throws Exception;
    }

    private static ChildChannel instance;

    private final PrintStream out;
    private final BufferedReader in;

    private ChildChannel(PrintStream out, BufferedReader in) {
        this.out = out;
        this.in = in;
    }

    /**
     * Opens the channel (once per JVM; later calls return the same one) and starts watching the parent JVM.
     */
    public static synchronized ChildChannel open() {
        if (instance == null) {
            System.out.flush();
            PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
                    StandardCharsets.UTF_8);
            System.setOut(System.err);
            BufferedReader commands = new BufferedReader(
                    new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
            instance = new ChildChannel(protocol, commands);
            watchParent();
        }
        return instance;
    }

    /** The name the launcher gave this child, if it was started by {@link JvmLauncher}. */
    public static Optional<String> name() {
        return Optional.ofNullable(System.getProperty(NAME_PROPERTY));
    }

    /** Sends {@link #READY}. */
    public void ready() {
        send(READY);
    }

    /**
     * Sends one line to the parent.
     *
     * @throws IllegalArgumentException if it contains a line break
     * @throws UncheckedIOException if the parent no longer reads
     */
    public synchronized void send(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a protocol line cannot contain a line break: " + line);
        }
        out.print(line);
        out.print('\n');
        out.flush();
        if (out.checkError()) {
            throw new UncheckedIOException(new IOException("the parent no longer reads this child's stdout"));
        }
    }

    /** Blocks for the next command line; null when the parent closed stdin. */
    public String nextCommand() {
        synchronized (in) {
            try {
                return in.readLine();
            } catch (IOException e) {
                return null;
            }
        }
    }

    /**
     * Answers commands until {@link #EXIT} or the end of stdin. Each non-null result of {@code handler} is sent
     * as the reply; an exception is printed to stderr and answered with an {@link #ERROR_PREFIX} line naming it,
     * and serving goes on.
     */
    public void serve(CommandHandler handler) {
        String command;
        while ((command = nextCommand()) != null && !EXIT.equals(command)) {
            String reply;
            try {
                reply = handler.handle(command);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable e) {
                System.err.println("command \"" + command + "\" failed:");
                e.printStackTrace(System.err);
                reply = ERROR_PREFIX + e.getClass().getName() + ": "
                        + String.valueOf(e.getMessage()).replaceAll("\\R", " | ");
                System.err.println(failureReportEnd(reply));
                System.err.flush();
            }
            if (reply != null) {
                send(reply);
            }
        }
    }

    /** Flushes stdout. The channel stays usable (it is the JVM's stdout). */
    @Override
    public void close() {
        out.flush();
    }

    /** The stderr line that ends the report of a failed command; the parent waits for it before quoting stderr. */
    static String failureReportEnd(String errorReply) {
        return "[weft] replied: " + errorReply;
    }

    private static void watchParent() {
        String parentPid = System.getProperty(PARENT_PID_PROPERTY);
        if (parentPid == null) {
            return; // not started by JvmLauncher (e.g. run by hand): nobody to watch
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(parentPid));
        if (parent.isEmpty()) {
            parentGone(parentPid); // died before we got here
            return;
        }
        // For a process that is not our child, the JDK polls its liveness (at most every five seconds).
        parent.get().onExit().thenRun(() -> parentGone(parentPid));
    }

    private static void parentGone(String parentPid) {
        System.err.println("[weft] parent JVM " + parentPid + " is gone; halting this child JVM");
        System.err.flush();
        // halt, not exit: shutdown hooks of the code under test could block, and nobody is left to wait for us.
        Runtime.getRuntime().halt(PARENT_GONE_EXIT_CODE);
    }
}
