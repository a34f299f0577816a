package dev.weft.testing.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Redis Cluster of {@code n} masters (no replicas) on loopback, each a {@link RedisServerProcess} with
 * {@code cluster-enabled yes}, slots split evenly. Nodes can be killed and restarted on their ports: a restarted node
 * keeps its identity (its {@code nodes.conf} stays in its work directory) and rejoins with its slots. The cluster
 * serves the remaining slots while a node is down ({@code cluster-require-full-coverage no}).
 *
 * <pre>{@code
 * try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
 *     RedisClusterClient client = RedisClusterClient.create(cluster.uris());
 * }
 * }</pre>
 */
public final class RedisClusterProcess implements AutoCloseable {

    private static final int SLOTS = 16_384;
    private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServerProcess> nodes;

    private RedisClusterProcess(List<RedisServerProcess> nodes) {
        this.nodes = nodes;
    }

    /** Starts {@code masters} nodes, assigns the slots, introduces the nodes and waits until the cluster is ok. */
    public static RedisClusterProcess start(int masters) {
        if (masters < 1) {
            throw new IllegalArgumentException("a cluster needs at least one master: " + masters);
        }
        List<RedisServerProcess> started = new ArrayList<>();
        RedisClusterProcess cluster = new RedisClusterProcess(Collections.unmodifiableList(started));
        try {
            for (int i = 0; i < masters; i++) {
                started.add(RedisServerProcess.builder()
                        .config("cluster-enabled", "yes")
                        .config("cluster-node-timeout", "2000")
                        .config("cluster-require-full-coverage", "no")
                        .start());
            }
            for (int i = 0; i < masters; i++) {
                int from = SLOTS * i / masters;
                int to = SLOTS * (i + 1) / masters;
                String[] command = new String[2 + to - from];
                command[0] = "CLUSTER";
                command[1] = "ADDSLOTS";
                for (int slot = from; slot < to; slot++) {
                    command[2 + slot - from] = Integer.toString(slot);
                }
                started.get(i).call(command);
            }
            for (int i = 1; i < masters; i++) {
                started.get(0).call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(started.get(i).port()));
            }
            cluster.awaitHealthy(FORMATION_TIMEOUT);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The nodes, in start order. */
    public List<RedisServerProcess> nodes() {
        return nodes;
    }

    /** {@code redis://127.0.0.1:port} of every node: seed URIs for a cluster client. */
    public List<String> uris() {
        List<String> uris = new ArrayList<>();
        nodes.forEach(n -> uris.add(n.uri()));
        return uris;
    }

    /**
     * Waits until every node runs, reports {@code cluster_state:ok}, knows all the nodes and sees every slot served.
     *
     * @throws RedisProcessException if that does not happen within {@code timeout}, with the last node's answer
     */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem;
        while (true) {
            lastProblem = problem();
            if (lastProblem == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new RedisProcessException(this + " was not healthy within " + timeout + " (last problem: "
                        + lastProblem + ")");
            }
            // A bounded poll: cluster gossip gives no signal a client could wait for.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private String problem() {
        for (RedisServerProcess node : nodes) {
            if (!node.isRunning()) {
                return node + " does not run";
            }
            String info;
            try {
                info = String.valueOf(node.call("CLUSTER", "INFO"));
            } catch (RedisProcessException e) {
                return e.getMessage();
            }
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + nodes.size() + "\r")
                    || !info.contains("cluster_slots_ok:" + SLOTS + "\r")) {
                return node.port() + ": " + info.replace("\r\n", " ").trim();
            }
        }
        return null;
    }

    /**
     * The running node where {@code channel} has subscribers ({@code PUBSUB NUMSUB} counts the subscriptions of
     * that node's clients only), or {@code null} if none has.
     */
    public RedisServerProcess nodeSubscribedTo(String channel) {
        for (RedisServerProcess node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            Object reply = node.call("PUBSUB", "NUMSUB", channel);
            if (reply instanceof List<?> list && list.size() == 2 && ((Long) list.get(1)) > 0) {
                return node;
            }
        }
        return null;
    }

    /** Stops every node. Idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (RedisServerProcess node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "redis cluster " + uris();
    }
}
