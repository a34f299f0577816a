package dev.weft.testing.jvm;

import java.util.concurrent.CountDownLatch;

/** A child main for the tests: answers a few commands over {@link ChildChannel}. */
public final class EchoChild {

    private EchoChild() {
    }

    public static void main(String[] args) {
        ChildChannel channel = ChildChannel.open();
        System.err.println("echo child starting with " + args.length + " args");
        channel.ready();
        channel.serve(command -> {
            String[] parts = command.split(" ", 2);
            String rest = parts.length > 1 ? parts[1] : "";
            switch (parts[0]) {
                case "ECHO":
                    return rest;
                case "ARGS":
                    return String.join(" ", args);
                case "PROP":
                    return String.valueOf(System.getProperty(rest));
                case "NAME":
                    return ChildChannel.name().orElse("?");
                case "NOISE":
                    System.out.println("noise on System.out"); // must not reach the protocol stream
                    return "OK";
                case "TWO":
                    channel.send("first");
                    return "second";
                case "FAIL":
                    throw new IllegalStateException(rest);
                case "DIE": {
                    String[] codeAndWords = rest.split(" ", 2);
                    System.err.println(codeAndWords[1]);
                    System.exit(Integer.parseInt(codeAndWords[0]));
                    return null;
                }
                case "HANG_ON_EXIT": {
                    CountDownLatch never = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                    return "HOOKED";
                }
                default:
                    throw new IllegalArgumentException("unknown command: " + command);
            }
        });
        System.err.println("echo child done");
    }
}
