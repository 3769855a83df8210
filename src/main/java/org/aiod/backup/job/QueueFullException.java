package org.aiod.backup.job;

/** The job queue is at capacity: the caller should retry later. */
public class QueueFullException extends RuntimeException {

    private final int capacity;

    public QueueFullException(int capacity) {
        super("the job queue is full (" + capacity + " commands waiting); retry later");
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }
}
