package dev.weft.testing.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure that no process started by a test outlives the JVM that started it.
 *
 * <p>Two layers, because neither alone is enough:
 * <ul>
 *   <li>a JVM shutdown hook force-kills every registered process (and its descendants) when the JVM exits
 *       normally, through {@code System.exit}, or on SIGTERM/SIGINT - e.g. when surefire gives up on a fork;</li>
 *   <li>an {@link OrphanGuardian}, a tiny {@code sh} process that waits for this JVM to die however it dies
 *       (SIGKILL, crash, OOM-killer) and then kills what is still registered.</li>
 * </ul>
 *
 * <p>Owners {@link #register} a process right after starting it and {@link Registration#close() unregister} it once
 * they have stopped it themselves. Thread-safe.
 *
 * <p>This is plumbing shared by the {@code redis} and {@code jvm} packages; its API may change.
 */
public final class ProcessReaper {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessReaper.class);
    private static final Duration HOOK_WAIT = Duration.ofSeconds(5);

    private static final Map<Long, Registration> REGISTERED = new ConcurrentHashMap<>();
    private static final Object INSTALL_LOCK = new Object();
    private static volatile boolean installed;

    private ProcessReaper() {
    }

    /**
     * Registers a freshly started process for cleanup at JVM exit.
     *
     * @param description what it is, for log messages (e.g. {@code "redis-server on 127.0.0.1:20123"})
     * @return the handle to {@link Registration#close() unregister} with once the owner has stopped it
     */
    public static Registration register(Process process, String description) {
        installOnce();
        ProcessHandle handle = process.toHandle();
        // The executable as the kernel reports it, so the guardian can check a pid still belongs to our process
        // (pids are reused) before killing it.
        String executable = handle.info().command().orElse("");
        Registration registration = new Registration(handle, description, executable);
        REGISTERED.put(handle.pid(), registration);
        OrphanGuardian.update(snapshot());
        return registration;
    }

    /**
     * Force-kills {@code process} and every descendant it has now, then waits (bounded) for them to exit.
     * Descendants are collected first: once the parent is dead they are re-parented and no longer findable.
     *
     * @return whether everything exited within {@code timeout}
     */
    public static boolean killTree(ProcessHandle process, Duration timeout) {
        List<ProcessHandle> victims = process.descendants().collect(Collectors.toCollection(ArrayList::new));
        victims.add(process);
        victims.forEach(ProcessHandle::destroyForcibly);
        return awaitExit(victims, timeout);
    }

    /** Waits until every handle has exited or {@code timeout} has passed; returns whether all exited. */
    public static boolean awaitExit(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle handle : handles) {
            long remaining = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception timedOutOrFailed) {
                if (handle.isAlive()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<Registration> snapshot() {
        return List.copyOf(REGISTERED.values());
    }

    private static void installOnce() {
        if (installed) {
            return;
        }
        synchronized (INSTALL_LOCK) {
            if (installed) {
                return;
            }
            Thread hook = new Thread(ProcessReaper::reapAll, "weft-process-reaper");
            Runtime.getRuntime().addShutdownHook(hook);
            OrphanGuardian.start();
            installed = true;
        }
    }

    private static void reapAll() {
        List<Registration> left = snapshot();
        List<ProcessHandle> victims = new ArrayList<>();
        for (Registration registration : left) {
            if (registration.handle.isAlive()) {
                System.err.println("[weft] JVM exit: killing " + registration.description
                        + " (pid " + registration.handle.pid() + "), which its test did not stop");
                registration.handle.descendants().forEach(victims::add);
                victims.add(registration.handle);
            }
        }
        victims.forEach(ProcessHandle::destroyForcibly);
        // Bounded: a shutdown hook that hangs would hang the whole test run.
        awaitExit(victims, HOOK_WAIT);
        REGISTERED.clear();
        OrphanGuardian.update(List.of());
    }

    /** A registered process; {@link #close()} unregisters it (idempotent). */
    public static final class Registration implements AutoCloseable {
        final ProcessHandle handle;
        final String description;
        final String executable;

        private Registration(ProcessHandle handle, String description, String executable) {
            this.handle = handle;
            this.description = description;
            this.executable = executable;
        }

        /** Stops watching this process (its owner has stopped it). Idempotent. */
        @Override
        public void close() {
            if (REGISTERED.remove(handle.pid(), this)) {
                OrphanGuardian.update(snapshot());
            }
        }

        @Override
        public String toString() {
            return description + " (pid " + handle.pid() + ")";
        }
    }

    static Logger log() {
        return LOG;
    }
}
