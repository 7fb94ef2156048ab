package org.exitbench.store;

import java.nio.file.Path;

/** A second process for {@link ExclusiveLockTest}: takes a folder's lock, says so, and holds it until killed. */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        ExclusiveLock lock = ExclusiveLock.onFolder(Path.of(args[0]), "holding the lock for a test", false);
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
        lock.close();
    }
}
