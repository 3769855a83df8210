package org.aiod.backup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A second process for {@link DatasetLockTest}: takes the lock of a dataset ({@code args[0]} the lock file,
 * {@code args[1]} the dataset), prints {@code LOCKED} and holds the lock until its standard input ends, then releases
 * it and prints {@code RELEASED}. Killing it with SIGKILL is the crash case: the kernel releases the lock.
 */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: LockHolderMain <lock-file> <dataset>");
            System.exit(2);
        }
        DatasetLock lock = DatasetLock.acquire(Path.of(args[0]), args[1], Duration.ofSeconds(30));
        System.out.println("LOCKED");
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // hold the lock until the parent closes our stdin (or kills us)
        }
        lock.close();
        System.out.println("RELEASED");
        System.out.flush();
    }
}
