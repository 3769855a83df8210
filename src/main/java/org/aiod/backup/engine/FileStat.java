package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/** What {@code lstat} says of a path, read in one call. */
record FileStat(int mode, long device, long inode, long size, long uid, long gid, int links, Instant mtime,
        Instant ctime) {

    private static final String ATTRIBUTES = "unix:mode,dev,ino,size,uid,gid,nlink,lastModifiedTime,ctime";
    static final int TYPE_MASK = 0170000;
    static final int DIRECTORY = 0040000;
    static final int REGULAR = 0100000;
    static final int SYMLINK = 0120000;

    static FileStat of(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return new FileStat((Integer) a.get("mode"), (Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
                ((Integer) a.get("uid")).longValue(), ((Integer) a.get("gid")).longValue(), (Integer) a.get("nlink"),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), ((FileTime) a.get("ctime")).toInstant());
    }

    boolean isDirectory() {
        return (mode & TYPE_MASK) == DIRECTORY;
    }

    boolean isRegular() {
        return (mode & TYPE_MASK) == REGULAR;
    }

    boolean isSymlink() {
        return (mode & TYPE_MASK) == SYMLINK;
    }

    int permissions() {
        return mode & 07777;
    }

    long mtimeSeconds() {
        return mtime.getEpochSecond();
    }

    /** GNU tar's rule: unchanged only if both mtime and ctime are strictly older than the previous run's start. */
    boolean unchangedSince(Instant previousStart) {
        return mtime.isBefore(previousStart) && ctime.isBefore(previousStart);
    }
}
