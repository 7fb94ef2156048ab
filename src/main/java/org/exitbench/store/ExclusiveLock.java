package org.exitbench.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An operating-system lock that keeps two Exitbench processes (two commands, or a command and the app) from
 * writing the same output at once: two {@code backbone train --out same.zip} would both print "Saved" while the
 * second silently replaced the first, and two sweeps on one folder would each train every trial.
 *
 * <p>The lock is held on a small hidden file ({@code .exitbench.lock} inside a folder, {@code .<name>.lock} beside a
 * file) that also records who holds it (process id, host, start time, what it does), so the second process can say
 * so. The operating system releases the lock when the holder exits, even when it is killed, so a stale lock file
 * never blocks anyone; it is left in place on purpose (deleting it would let a third process lock a file the second
 * one already opened).
 */
public final class ExclusiveLock implements AutoCloseable {

    /** The lock file inside a locked folder. */
    public static final String FOLDER_LOCK = ".exitbench.lock";
    private static final long POLL_MILLIS = 500;

    private final FileChannel channel;
    private final FileLock lock;

    private ExclusiveLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks a folder that this process is about to write into (creating it when needed).
     *
     * @param purpose what the holder does, for the message another process shows ("training a backbone")
     * @param wait    wait for the current holder to finish instead of failing
     * @throws StoreException naming the folder and the holder when another process holds it and {@code wait} is off
     */
    public static ExclusiveLock onFolder(Path folder, String purpose, boolean wait) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new StoreException(folder, "cannot be created: " + e.getMessage(), e);
        }
        return acquire(folder.resolve(FOLDER_LOCK), folder, purpose, wait);
    }

    /**
     * Locks a file that this process is about to write (the lock file sits beside it).
     *
     * @see #onFolder(Path, String, boolean)
     */
    public static ExclusiveLock onFile(Path file, String purpose, boolean wait) {
        Path absolute = file.toAbsolutePath();
        Path parent = absolute.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StoreException(parent, "cannot be created: " + e.getMessage(), e);
        }
        return acquire(lockFileOf(file), file, purpose, wait);
    }

    /** @return the lock file {@link #onFile} uses for {@code file} */
    public static Path lockFileOf(Path file) {
        Path absolute = file.toAbsolutePath();
        return absolute.getParent().resolve("." + absolute.getFileName() + ".lock");
    }

    private static ExclusiveLock acquire(Path lockFile, Path target, String purpose, boolean wait) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException inThisProcess) {
                    lock = null;
                }
                if (lock != null) {
                    String holder = "pid " + ProcessHandle.current().pid() + " on " + host() + ", since "
                            + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ": " + purpose;
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
                    channel.force(false);
                    return new ExclusiveLock(channel, lock);
                }
                if (!wait) {
                    String holder = holder(lockFile);
                    channel.close();
                    throw new StoreException(target, "is in use by another Exitbench process (" + holder + "); "
                            + "wait for it to finish (or stop it), or pass --wait to wait for it");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException(target, "cannot be locked (" + lockFile + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            Thread.currentThread().interrupt();
            throw new StoreException(target, "was still locked by another Exitbench process when waiting was "
                    + "interrupted", e);
        }
    }

    private static String holder(Path lockFile) {
        try {
            String text = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    /** The host name from the environment; no network lookup (it could hang without a resolver). */
    private static String host() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "this machine" : host;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases the lock; nothing else depends on it.
            }
        }
    }

    /** Releases the lock; the lock file stays (see the class comment). */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // The channel's close below releases it too.
        }
        closeQuietly(channel);
    }
}
