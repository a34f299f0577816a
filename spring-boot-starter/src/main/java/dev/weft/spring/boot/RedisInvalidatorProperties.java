package dev.weft.spring.boot;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code weft.redis.*}: the Redis invalidator, used when {@code weft.invalidator.type=redis}. A Lettuce
 * {@code RedisClient} or {@code RedisClusterClient} bean, when the application defines exactly one, is used instead
 * of {@code uri} or {@code cluster-nodes} and stays the application's (Weft does not shut it down).
 */
public class RedisInvalidatorProperties extends InvalidatorProperties {

    /**
     * The Redis server, as a Lettuce URI: redis://[user:password@]host:port, rediss://... for TLS,
     * redis-sentinel://host:port[,host:port]#master. Required unless cluster-nodes is set or the application defines
     * a RedisClient or RedisClusterClient bean.
     */
    private String uri;

    /**
     * The seed nodes of a Redis Cluster, as Lettuce URIs (redis://[user:password@]host:port, comma-separated);
     * instead of uri.
     */
    private List<String> clusterNodes = new ArrayList<>();

    /** The pub/sub channel; every instance of one application uses the same one. */
    private String channel = "weft:invalidation";

    /** How long a missing sequence number may still arrive; Redis delivers in order, so 0. */
    private Duration reorderWindow = Duration.ZERO;

    /** The largest message sent, in bytes (at least 1024); invalidations issued together are packed up to it. */
    private int maxMessageBytes = 65_536;

    /** A shared second level in Redis under the memory backend (needs dev.weft:weft-backend-redis); see docs/l2.md. */
    @NestedConfigurationProperty
    private final RedisL2Properties l2 = new RedisL2Properties();

    public RedisL2Properties getL2() {
        return l2;
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public List<String> getClusterNodes() {
        return clusterNodes;
    }

    public void setClusterNodes(List<String> clusterNodes) {
        this.clusterNodes = clusterNodes;
    }

    public String getChannel() {
        return channel;
    }

    public void setChannel(String channel) {
        this.channel = channel;
    }

    @Override
    public Duration getReorderWindow() {
        return reorderWindow;
    }

    public void setReorderWindow(Duration reorderWindow) {
        this.reorderWindow = reorderWindow;
    }

    @Override
    public int getMaxMessageBytes() {
        return maxMessageBytes;
    }

    public void setMaxMessageBytes(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }
}
