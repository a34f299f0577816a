package dev.weft.caching.redis.backend.serialization;

/**
 * Stands for a class with behaviour on loading and on construction (the shape of a deserialization gadget): it is in
 * a package the serializer tests do not allow, and trips the wire if it is ever initialized or built.
 */
public final class Gadget {

    static {
        Tripwire.TRIPS.incrementAndGet();
    }

    private String command;

    public Gadget() {
        Tripwire.TRIPS.incrementAndGet();
    }

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }
}
