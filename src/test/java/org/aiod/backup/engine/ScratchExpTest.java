package org.aiod.backup.engine;

import java.nio.file.*;
import java.util.List;
import org.aiod.backup.engine.testing.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchExpTest {
    @TempDir Path tmp;
    @Test
    void longLinks() throws Exception {
        Path data = tmp.resolve("data"), backups = tmp.resolve("b");
        String longDir = "d".repeat(80) + "/" + "e".repeat(60);
        Path a = Trees.write(data.resolve("x/" + longDir + "/first-" + "f".repeat(40)), "shared\n");
        Files.createDirectories(data.resolve("x/" + "g".repeat(90)));
        Files.createLink(data.resolve("x/" + "g".repeat(90) + "/second-" + "h".repeat(40)), a);
        Trees.write(data.resolve("x/suid"), "s");
        Files.setAttribute(data.resolve("x/suid"), "unix:mode", 04755);
        Engine e = new Engine(EngineOptions.defaults(data, backups));
        BackupSummary s = e.backup("x");
        GnuTar.list(s.archive()).forEach(System.out::println);
        Path g = tmp.resolve("g");
        GnuTar.legacyRestore(g, s.archive());
        TreeSnapshot.of(g.resolve("x")).assertSameAs(TreeSnapshot.of(data.resolve("x")), "gnu");
        Path r = Files.createDirectories(tmp.resolve("r"));
        new Engine(EngineOptions.defaults(r, backups)).restore("x", 0, null);
        System.out.println(TreeSnapshot.of(r.resolve("x")));
        TreeSnapshot.of(r.resolve("x")).assertSameAs(TreeSnapshot.of(data.resolve("x")), "engine");
    }
}
