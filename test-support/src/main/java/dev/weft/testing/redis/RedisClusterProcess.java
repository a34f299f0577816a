package dev.weft.testing.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A Redis Cluster of {@code n} masters, with or without replicas, on loopback, each a {@link RedisServerProcess} with
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
        return start(masters, 0);
    }

    /**
     * Starts {@code masters} masters and {@code replicasPerMaster} replicas of each (masters first in
     * {@link #nodes()}, then the replicas of master 0, of master 1, ...), and waits until the cluster is ok and
     * every replica is in sync with its master. A master that dies is replaced by one of its replicas after the
     * node timeout (2 s).
     */
    public static RedisClusterProcess start(int masters, int replicasPerMaster) {
        if (masters < 1) {
            throw new IllegalArgumentException("a cluster needs at least one master: " + masters);
        }
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("negative replica count: " + replicasPerMaster);
        }
        List<RedisServerProcess> started = new ArrayList<>();
        RedisClusterProcess cluster = new RedisClusterProcess(Collections.unmodifiableList(started));
        try {
            int total = masters * (1 + replicasPerMaster);
            for (int i = 0; i < total; i++) {
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
            for (int i = 1; i < total; i++) {
                started.get(0).call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(started.get(i).port()));
            }
            if (replicasPerMaster > 0) {
                // a replica can only follow a master it already knows of
                cluster.awaitCondition(FORMATION_TIMEOUT, node -> {
                    String info = String.valueOf(node.call("CLUSTER", "INFO"));
                    return info.contains("cluster_known_nodes:" + total + "\r") ? null : node.port() + " knows "
                            + "fewer than " + total + " nodes";
                });
                for (int m = 0; m < masters; m++) {
                    String masterId = String.valueOf(started.get(m).call("CLUSTER", "MYID"));
                    for (int r = 0; r < replicasPerMaster; r++) {
                        started.get(masters + m * replicasPerMaster + r).call("CLUSTER", "REPLICATE", masterId);
                    }
                }
                for (int i = masters; i < total; i++) {
                    RedisServerProcess replica = started.get(i);
                    cluster.awaitCondition(FORMATION_TIMEOUT, node -> node != replica
                            || String.valueOf(node.call("INFO", "replication")).contains("master_link_status:up")
                            ? null : node.port() + " is not in sync with its master yet");
                }
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
     * Waits until every running node reports {@code cluster_state:ok}, knows all the nodes and sees every slot served
     * by a node that is not failing. Stopped nodes are skipped: after a master dies, this waits for its replica to
     * take over.
     *
     * @throws RedisProcessException if that does not happen within {@code timeout}, with the last problem seen
     */
    public void awaitHealthy(Duration timeout) {
        awaitCondition(timeout, node -> {
            String info = String.valueOf(node.call("CLUSTER", "INFO"));
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + nodes.size() + "\r")
                    || !info.contains("cluster_slots_ok:" + SLOTS + "\r")) {
                return node.port() + ": " + info.replace("\r\n", " ").trim();
            }
            return null;
        });
    }

    /** Polls {@code check} on every running node until it answers {@code null} (no problem) for all of them. */
    private void awaitCondition(Duration timeout, Function<RedisServerProcess, String> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String problem = null;
            for (RedisServerProcess node : nodes) {
                if (!node.isRunning()) {
                    continue;
                }
                try {
                    problem = check.apply(node);
                } catch (RedisProcessException e) {
                    problem = e.getMessage();
                }
                if (problem != null) {
                    break;
                }
            }
            if (problem == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new RedisProcessException(this + " was not ready within " + timeout + " (last problem: "
                        + problem + ")");
            }
            // A bounded poll: cluster gossip gives no signal a client could wait for.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** The master currently serving the slot of {@code key} (a key or a channel name), as a running node sees it. */
    public RedisServerProcess masterServing(String key) {
        for (RedisServerProcess node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            long slot = (Long) node.call("CLUSTER", "KEYSLOT", key);
            for (Object range : (List<?>) node.call("CLUSTER", "SLOTS")) {
                List<?> r = (List<?>) range;
                if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                    return node((int) (long) (Long) ((List<?>) r.get(2)).get(1));
                }
            }
            throw new RedisProcessException("no master serves slot " + slot + " of " + this);
        }
        throw new RedisProcessException("no node of " + this + " runs");
    }

    /** The node listening on {@code port}. */
    public RedisServerProcess node(int port) {
        for (RedisServerProcess node : nodes) {
            if (node.port() == port) {
                return node;
            }
        }
        throw new IllegalArgumentException("no node of " + this + " listens on " + port);
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
