package org.aiod.backup.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An object store that keeps off-site copies of the backup root's files under keys of {@link OffsiteLayout}. Plain
 * Java, so that the engine's layout rules and the code that decides what to upload know nothing of a client library;
 * the service's implementation is S3's ({@code org.aiod.backup.offsite.S3OffsiteStore}).
 */
public interface OffsiteStore {

    /**
     * Copies {@code file} to {@code key}, replacing what is there, and checks that the store holds it whole: each
     * request body is checked by the store against the digest sent with it, and the object's size is read back.
     * The file is read once, from one open channel, so a file renamed or deleted meanwhile is still read whole.
     *
     * @param expectedSha256 the SHA-256 the file must have (its line in {@code SHA256SUMS}); when it has another,
     *                       nothing is sent and this throws. {@code null}: no expectation
     * @return the object stored, with the SHA-256 of the bytes read
     * @throws java.nio.file.NoSuchFileException when {@code file} no longer exists (a prune took its cycle)
     * @throws IOException when the store cannot be reached, refuses the object, or holds other than what was sent
     */
    StoredObject put(String key, Path file, String expectedSha256) throws IOException;

    /** The object at {@code key}, or empty when there is none. */
    Optional<StoredObject> stat(String key) throws IOException;

    /**
     * Copies the object at {@code key} into {@code file} (created; it must not exist), as the store sends it. Checks
     * nothing of the content: the caller compares it with what the object and {@code SHA256SUMS} say it must be.
     *
     * @return the object as the store described it when sending it (size, {@code sha256} metadata, time)
     * @throws java.nio.file.NoSuchFileException when there is no object at {@code key}
     * @throws IOException when the store cannot be reached or the transfer breaks off
     */
    StoredObject get(String key, Path file) throws IOException;

    /**
     * Every object whose key starts with {@code prefix}, sorted by key. A listing does not carry the objects'
     * metadata: their {@link StoredObject#sha256()} is {@code null} and their {@link StoredObject#modified()} the
     * store's own time of the object.
     */
    List<StoredObject> list(String prefix) throws IOException;

    /** Checks that the store answers and the bucket exists; throws, saying why, when not. */
    void check() throws IOException;

    /**
     * Deletes the object at {@code key}; nothing when there is none (a deletion repeated after a crash is no error).
     *
     * @throws IOException when the store cannot be reached or refuses the deletion
     */
    void delete(String key) throws IOException;

    /**
     * Deletes every object whose key starts with {@code prefix} (a listing, then one deletion per object), so that
     * objects nobody recorded (an upload that was under way, a file put by hand) go too.
     *
     * @return the objects deleted
     */
    default List<StoredObject> deleteAll(String prefix) throws IOException {
        List<StoredObject> objects = list(prefix);
        for (StoredObject o : objects) {
            delete(o.key());
        }
        return objects;
    }

    /**
     * An object in the store.
     *
     * @param key    its key
     * @param size   its size in bytes
     * @param sha256 the SHA-256 of its content (lowercase hex) as recorded when it was put, or {@code null} when the
     *               store does not say (an object not put by this service, or one from a listing)
     * @param modified the modification time of the file it was put from, as recorded when it was put (an archive's
     *               is the moment its level was committed); else the store's own time of the object (when it was
     *               put); {@code null} when unknown
     */
    record StoredObject(String key, long size, String sha256, Instant modified) {
    }
}
