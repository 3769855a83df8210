package org.aiod.backup.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rename records of one {@code D} member's listing, read as GNU tar 1.34 writes and reads them: pairs
 * {@code R<from>} {@code T<to>} of full member names, applied in order before the listing's deletions, and
 * {@code X<dir>}, which makes a temporary directory in {@code dir} that a rename record with an empty name stands
 * for (GNU tar breaks a cycle of renames, {@code mv a t && mv b a && mv t b}, that way). The sequence is checked as
 * GNU tar's {@code dumpdir_ok} checks it, and every name as any member name is ({@link Restorer#relativePath}).
 */
final class RenameRecords {

    /**
     * One step, in order: either make the temporary directory in {@code temporaryIn} (relative to the dataset,
     * {@code ""} for its top), or move {@code from} to {@code to}, where {@code null} means the temporary
     * directory.
     */
    record Step(String temporaryIn, String from, String to) {
        boolean makesTemporary() {
            return temporaryIn != null;
        }
    }

    private RenameRecords() {
    }

    /**
     * The steps of {@code listing}, checked. A malformed sequence is {@code CORRUPT_ARCHIVE}, a name outside the
     * dataset (or one that would move the dataset directory itself) {@code UNSAFE_MEMBER}; both name the member.
     */
    static List<Step> of(String dataset, byte[] listing, String member, Path archive) {
        List<Step> steps = new ArrayList<>();
        boolean temporary = false;
        String from = null;
        boolean expectTo = false;
        for (Listing.Item record : Listing.renames(listing)) {
            String name = record.name();
            byte code = record.code();
            if (expectTo && code != Listing.RENAME_TO) {
                throw malformed(archive, member, "'R" + Names.shown(from == null ? "" : from)
                        + "' is not followed by a 'T' record");
            }
            if (code == Listing.TEMPORARY_DIRECTORY) {
                if (temporary) {
                    throw malformed(archive, member, "a second 'X' record before the first temporary directory"
                            + " was used");
                }
                temporary = true;
                steps.add(new Step(Restorer.relativePath(dataset, name, member), null, null));
            } else if (code == Listing.RENAME_FROM) {
                if (name.isEmpty()) {
                    if (!temporary) {
                        throw malformed(archive, member, "an 'R' record with an empty name and no 'X' record");
                    }
                    temporary = false; // GNU tar: the temporary directory is consumed once moved out of
                    from = null;
                } else {
                    from = checked(dataset, name, member);
                }
                expectTo = true;
            } else {
                if (!expectTo) {
                    throw malformed(archive, member, "'T" + Names.shown(name) + "' is not preceded by an 'R' record");
                }
                String to;
                if (name.isEmpty()) {
                    if (!temporary && from != null) {
                        throw malformed(archive, member, "a 'T' record with an empty name and no 'X' record");
                    }
                    to = null;
                } else {
                    to = checked(dataset, name, member);
                }
                if (from == null && to == null) {
                    throw malformed(archive, member, "a rename of the temporary directory onto itself");
                }
                steps.add(new Step(null, from, to));
                expectTo = false;
                from = null;
            }
        }
        if (expectTo) {
            throw malformed(archive, member, "the last 'R' record has no 'T' record");
        }
        return steps;
    }

    private static String checked(String dataset, String name, String member) {
        String rel = Restorer.relativePath(dataset, name, member);
        if (rel.isEmpty()) {
            throw new BackupException.UnsafeMember("member '" + Names.shown(member) + "': rename record '"
                    + Names.shown(name) + "' would move the dataset directory");
        }
        return rel;
    }

    private static BackupException.CorruptArchive malformed(Path archive, String member, String why) {
        return new BackupException.CorruptArchive(archive + ": member '" + Names.shown(member)
                + "' has malformed rename records: " + why, null);
    }

    /** A rename record that cannot be applied: the restore fails rather than restore less than the archive says. */
    static BackupException.CorruptArchive notApplicable(Path archive, String member, String from, String to,
            String why, Throwable cause) {
        return new BackupException.CorruptArchive(archive + ": member '" + Names.shown(member)
                + "': cannot apply the rename record '" + shown(from) + "' -> '" + shown(to) + "': " + why, cause);
    }

    /** A directory a rename record moved lists an unchanged entry that is not there. */
    static BackupException.CorruptArchive unchangedMissing(Path archive, String member, String name) {
        return new BackupException.CorruptArchive(archive + ": member '" + Names.shown(member) + "' lists '"
                + Names.shown(name) + "' as unchanged, but neither an earlier level nor the rename records put it"
                + " there", null);
    }

    /** Whether {@code rel} is one of {@code targets} or lies below one. */
    static boolean isUnder(String rel, java.util.Collection<String> targets) {
        for (String target : targets) {
            if (rel.equals(target) || rel.startsWith(target + "/")) {
                return true;
            }
        }
        return false;
    }

    /** A dataset-relative name of a step, the temporary directory ({@code null}) shown as GNU tar writes it. */
    static String shown(String rel) {
        return rel == null ? "(temporary directory)" : Names.shown(rel);
    }
}
