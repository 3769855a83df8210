package org.aiod.backup.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import org.aiod.backup.engine.Compression;
import org.aiod.backup.engine.EngineOptions;
import org.aiod.backup.engine.RetentionPolicy;

/** Everything an operator sets, under {@code backup.*}. */
@ConfigMapping(prefix = "backup")
public interface BackupConfig {

    /** Directory holding one sub-directory per dataset; the legacy image mounts volumes at {@code /opt/data/<dataset>}. */
    Path dataRoot();

    /** Directory holding the cycles of every dataset; the legacy image used {@code /opt/backups/data}. */
    Path backupRoot();

    /**
     * The service's own state, never a dataset: the job journal ({@code jobs/}), dataset locks ({@code locks/}),
     * temporary and restore staging files ({@code tmp/}, {@code staging/}), the start-up round trip's scratch
     * ({@code selftest/}) and the embedded broker's journal ({@code broker/}). By default inside the backup root, under
     * a name no dataset can have. Archives are written in its {@code tmp/} and renamed into place, so it must be on
     * the backup root's file system.
     */
    @WithDefault("${backup.backup-root}/" + EngineOptions.DEFAULT_STATE_DIR_NAME)
    Path stateDir();

    /** Where the job journal keeps one file per job. */
    default Path journalDir() {
        return stateDir().resolve("jobs");
    }

    /** Where the start-up round trip makes its scratch directories. */
    default Path selfTestDir() {
        return stateDir().resolve("selftest");
    }

    /** Where the embedded broker keeps its journal, bindings and paging. */
    default Path brokerDir() {
        return stateDir().resolve("broker");
    }

    /**
     * The datasets this service manages. Empty: every top-level directory of the data root and every dataset that
     * has backups (so a restore into an empty data root, the disaster case, works).
     */
    Optional<List<String>> datasets();

    /** Levels per cycle: a cycle holds levels 0..N-1, then a new cycle starts with a full backup. */
    @WithDefault("7")
    int cycleLength();

    /** Worker threads running backups and restores; commands for one dataset always run one after another. */
    @WithDefault("2")
    int workers();

    /** Commands accepted but not yet running; beyond it HTTP answers 503 and AMQP consumption pauses. */
    @WithDefault("100")
    int queueCapacity();

    /** How long a job waits for another run on the same dataset (another process, or the CLI) to finish. */
    @WithDefault("10m")
    Duration lockTimeout();

    /** How new archives are compressed: {@code gzip} (the legacy {@code .tar.gz}) or {@code zstd} ({@code .tar.zst}). */
    @WithDefault("gzip")
    Compression compression();

    /** Compression level: 1-9 for gzip (default 6, gzip's own), 1-19 for zstd (default 3). */
    OptionalInt compressionLevel();

    /** The periodic backups. */
    Schedule schedule();

    /** Restores into a directory other than the dataset's. */
    Restore restore();

    /**
     * The directories a restore's {@code target} may lie in (be one of, or under) when the command comes over HTTP
     * or AMQP: {@code backup.restore.allowed-targets}, or by default the directory {@code restore} beside the data
     * root ({@code /opt/restore} for {@code /opt/data}). The command line may restore anywhere.
     */
    default List<Path> allowedRestoreTargets() {
        return restore().allowedTargets().orElseGet(() -> {
            Path dataRoot = dataRoot().toAbsolutePath().normalize();
            Path beside = dataRoot.getParent() != null ? dataRoot.getParent() : dataRoot;
            return List.of(beside.resolve("restore"));
        });
    }

    /** The job journal. */
    Journal journal();

    /** The backup root's file system. */
    Disk disk();

    /** Which cycles a prune keeps ({@code backup.retention.*}); every rule unset: every cycle is kept. */
    Retention retention();

    /** The scheduled verifies ({@code backup.verify.*}). */
    Verify verify();

    /**
     * Commands run around a dataset's jobs ({@code backup.hooks."<dataset>".before-backup.command}, ...), keyed by
     * dataset name: a dump before a backup, a server stopped and started again. Configuration only: no command
     * message or HTTP body can carry a hook. Empty: no hooks.
     */
    Map<String, DatasetHooks> hooks();
    /** Off-site copies of every level in S3-compatible object storage ({@code backup.offsite.*}); off without a bucket. */
    Offsite offsite();

    /** The retention policy of {@code backup.retention.*}: {@link RetentionPolicy#KEEP_ALL}'s rules when none is set. */
    default RetentionPolicy retentionPolicy() {
        Retention r = retention();
        return new RetentionPolicy(r.keepLast(), r.keepWithin().orElse(null), r.keepDaily(), r.keepWeekly(),
                r.keepMonthly(), r.timezone().filter(z -> !z.isBlank()).map(ZoneId::of).orElseGet(ZoneId::systemDefault));
    }

    interface Schedule {
        /**
         * When every dataset is backed up: a Quartz cron expression (seconds first, e.g. {@code 0 0 2 * * ?}), or a
         * legacy five-field crontab line ({@code minute hour day-of-month month day-of-week}, e.g. {@code 0 2 * * *},
         * taken as crontab meant it, see {@code org.aiod.backup.schedule.Crontab}); {@code off} disables it. An
         * invalid expression fails start-up.
         */
        @WithDefault("0 0 2 * * ?")
        String cron();

        /**
         * The time zone in which {@code backup.schedule.cron} and {@code backup.verify.cron} are read, an id such as
         * {@code Europe/Paris} or {@code UTC}; unset: the system's. An id that names no zone fails start-up.
         */
        Optional<String> timezone();
    }

    interface Restore {
        /**
         * Comma-separated directories a restore's {@code target} must lie in when the command comes over HTTP or
         * AMQP (a caller with the admin role must not write anywhere on the host); symlinks on the way are resolved
         * before comparing. Absent: {@code restore} beside the data root. The command line is not limited.
         */
        Optional<List<Path>> allowedTargets();
    }

    interface Disk {
        /**
         * {@code backup.disk.warn-free}: below this much free space on the backup root's file system (a size such as
         * {@code 2G}, {@code 500M}; a bare number is bytes) the wellness check {@code backup-disk} is down, naming the
         * free bytes and this threshold; the gauge {@code backup_root_warn_free_bytes} reports it. {@code 0} turns
         * the warning off. Backups still run below it: only a level that cannot fit is refused
         * ({@code INSUFFICIENT_SPACE}). Set it above the size of a level 0 of your largest dataset, so the warning
         * comes before the refusal. The default, 1 GiB, only catches a volume that is nearly full.
         */
        @WithDefault("1G")
        // explicit: the command line builds its configuration without Quarkus's discovered converters
        @WithConverter(MemorySizeConverter.class)
        MemorySize warnFree();
    }

    /**
     * The retention rules. A cycle is kept when any rule selects one of its levels, and is removed whole otherwise;
     * the cycle being written and the newest cycle with a good level 0 are always kept. 0 (or unset) turns a rule
     * off; with every rule off a prune keeps every cycle, as the legacy scripts did.
     */
    interface Retention {
        /** Keep the newest N cycles ({@code backup.retention.keep-last}); 0: off. */
        @WithDefault("0")
        int keepLast();

        /**
         * Keep the cycles holding a level written within this duration before the prune
         * ({@code backup.retention.keep-within}: {@code 30d}, {@code 12h} or ISO-8601 {@code P30D}); unset: off.
         */
        Optional<Duration> keepWithin();

        /** Keep the cycles holding the newest level of each of the newest N days that have one; 0: off. */
        @WithDefault("0")
        int keepDaily();

        /** The same per ISO week, Monday to Sunday; 0: off. */
        @WithDefault("0")
        int keepWeekly();

        /** The same per calendar month; 0: off. */
        @WithDefault("0")
        int keepMonthly();

        /**
         * The time zone in which days, weeks and months are counted, an id such as {@code Europe/Paris} or
         * {@code UTC}; unset: the system's. An id that names no zone fails start-up.
         */
        Optional<String> timezone();
    }

    interface Verify {
        /**
         * When every managed dataset is verified: the syntax of {@code backup.schedule.cron} (Quartz, or a five-field
         * crontab line), in its time zone; {@code off} (the default) or {@code disabled} turns it off.
         */
        @WithDefault("off")
        String cron();

        /** How deep a scheduled verify looks: {@code checksums} (every archive against SHA256SUMS) or {@code drill}. */
        @WithDefault("checksums")
        String depth();
    }

    /** The hooks of one dataset; each is optional. */
    interface DatasetHooks {
        /** Runs before a backup of the dataset; its failure with {@code on-error=fail} fails the job, writing nothing. */
        Optional<Hook> beforeBackup();

        /** Runs after a backup whenever {@code before-backup} ran (or none is set), even when the backup failed. */
        Optional<Hook> afterBackup();

        /** Runs before a restore (not before a dry run); its failure with {@code on-error=fail} fails the job. */
        Optional<Hook> beforeRestore();

        /** Runs after a restore whenever {@code before-restore} ran (or none is set), even when the restore failed. */
        Optional<Hook> afterRestore();
    }

    /** One hook: a command, how long it may take, and what its failure does to the job. */
    interface Hook {
        /**
         * The program and its arguments, run without a shell (a shell only when the command is {@code sh,-c,...});
         * comma-separated, or one index per argument ({@code command[0]=sh}, {@code command[1]=-c}, ...) when an
         * argument holds a comma.
         */
        List<String> command();

        /**
         * How long the command may run ({@code 5m}, {@code 30s}); at the end the command and every process it started
         * (its process group and descendants) are killed and the hook has failed.
         */
        @WithDefault("5m")
        Duration timeout();

        /**
         * What a failure (exit status not 0, timed out, not startable) does: {@code fail} ends the job {@code FAILED}
         * with {@code HOOK_FAILED} for a {@code before-*} hook (the command is not run) and {@code PARTIAL} for an
         * {@code after-*} hook; {@code continue} goes on, the job then ends {@code PARTIAL} for a {@code before-*}
         * hook and keeps its status, with a warning, for an {@code after-*} hook.
         */
        @WithDefault("fail")
        OnError onError();
    }

    /** What a failing hook does to its job. */
    enum OnError {
        /** The hook's failure fails the job (before-*) or makes it {@code PARTIAL} (after-*). */
        FAIL,
        /** The job goes on; a failed before-* hook makes it {@code PARTIAL}, an after-* hook leaves a warning. */
        CONTINUE
    }

    interface Journal {
        /** Finished jobs kept in the journal; older ones are pruned, oldest first. */
        @WithDefault("1000")
        int keep();
    }

    /**
     * Off-site copies ({@code backup.offsite.*}): every committed level (its archive, then the cycle's
     * {@code SHA256SUMS} and snapshot file) is uploaded to an S3-compatible bucket under the backup root's own layout,
     * {@code <prefix>/<dataset>/<dataset>_<cycle>/<file>}, by a background uploader that never holds up a backup.
     */
    interface Offsite {
        /** The bucket the copies go to; unset (the default): no off-site copies, and every other setting is ignored. */
        Optional<String> bucket();

        /**
         * The S3 endpoint, a URL such as {@code http://minio:9000} for MinIO, Ceph RGW or Garage; unset: AWS S3 in
         * {@code backup.offsite.region}.
         */
        Optional<String> endpoint();

        /**
         * The region to sign requests for ({@code eu-west-1}); S3-compatible stores mostly accept any, so it defaults
         * to {@code us-east-1}.
         */
        @WithDefault("us-east-1")
        String region();

        /**
         * The key prefix every object is written under, without a leading or trailing {@code /} (e.g.
         * {@code backups/host-a}); unset: the bucket's top, so the bucket mirrors the backup root.
         */
        Optional<String> prefix();

        /**
         * Path-style requests ({@code http://host/bucket/key}) instead of virtual-host style
         * ({@code http://bucket.host/key}): what MinIO and most self-hosted stores need.
         */
        @WithDefault("false")
        boolean pathStyle();

        /** The access key id; unset: the AWS default credentials chain (environment, profile, instance role). */
        Optional<String> accessKey();

        /** The secret access key, with {@code backup.offsite.access-key}. */
        Optional<String> secretKey();

        /** The storage class of uploaded objects ({@code STANDARD_IA}, {@code GLACIER_IR}, ...); unset: the store's default. */
        Optional<String> storageClass();

        /**
         * Server-side encryption of uploaded objects: {@code AES256} or {@code aws:kms} (the bucket's or account's
         * default key); unset: none asked (the bucket's default applies).
         */
        Optional<String> serverSideEncryption();

        /**
         * Files up to this size are uploaded in one request; larger archives in parts of this size (multipart upload),
         * each checked by the store against its Content-MD5. AWS S3 needs at least {@code 5M}.
         */
        @WithDefault("16M")
        @WithConverter(MemorySizeConverter.class)
        MemorySize partSize();

        /** The wait before a failed upload of a level is tried again; it doubles with each failure. */
        @WithDefault("30s")
        Duration retryInitial();

        /** The longest wait between two attempts of a level's upload. */
        @WithDefault("1h")
        Duration retryMax();

        /**
         * How often the uploader looks for levels not uploaded yet (levels written by the command line or another
         * process, and retries that are due); a backup of the service wakes it at once.
         */
        @WithDefault("1m")
        Duration scanInterval();

        /**
         * The off-site keep rule ({@code backup.offsite.retention.*}), the rules of {@code backup.retention.*} (in its
         * time zone) applied to the cycles on disk and in the store together: a cycle a prune removes locally goes
         * from the store only when this rule does not keep it, and a cycle only in the store goes at a prune once
         * this rule no longer keeps it. None set: the store follows the local prune, each cycle removed locally goes
         * from the store too. A cycle kept locally is never removed from the store.
         */
        OffsiteRetention retention();

        /** Whether off-site copies are on: a bucket is set. */
        default boolean enabled() {
            return bucket().filter(b -> !b.isBlank()).isPresent();
        }
    }

    /** {@code backup.offsite.retention.*}: as {@code backup.retention.*}; each unset or 0: that rule is off. */
    interface OffsiteRetention {
        /** Keep the newest N cycles off-site. */
        OptionalInt keepLast();

        /** Keep the cycles holding a level written within this duration ({@code 90d}, {@code P90D}). */
        Optional<Duration> keepWithin();

        /** Keep the cycles holding the newest level of each of the newest N days that have one. */
        OptionalInt keepDaily();

        /** The same per ISO week. */
        OptionalInt keepWeekly();

        /** The same per calendar month. */
        OptionalInt keepMonthly();

        /** Whether any rule is set: otherwise the store follows the local prune. */
        default boolean set() {
            return keepLast().isPresent() || keepWithin().isPresent() || keepDaily().isPresent()
                    || keepWeekly().isPresent() || keepMonthly().isPresent();
        }
    }

    /**
     * The off-site keep rule of {@code backup.offsite.retention.*}, counted in {@code backup.retention.timezone};
     * {@code null} when none is set (the store follows the local prune).
     */
    default RetentionPolicy offsiteRetentionPolicy() {
        OffsiteRetention r = offsite().retention();
        if (!r.set()) {
            return null;
        }
        return new RetentionPolicy(r.keepLast().orElse(0), r.keepWithin().orElse(null), r.keepDaily().orElse(0),
                r.keepWeekly().orElse(0), r.keepMonthly().orElse(0), retentionPolicy().zone());
    }
}
