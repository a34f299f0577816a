package dev.weft.testing.jvm;

import java.util.concurrent.CountDownLatch;

/** A child main that never ends by itself and ignores stdin: only its parent watchdog can end it. */
public final class LingeringChild {

    private LingeringChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        ChildChannel.open().ready();
        new CountDownLatch(1).await();
    }
}
