package org.aiod.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.aiod.backup.testing.DeploymentFiles;
import org.junit.jupiter.api.Test;

/**
 * The one-shot commands the deployment files and the README show are commands this command line accepts, meaning
 * what they say: the legacy {@code entry_restore.sh connectors 2 10}.
 */
class DeploymentCommandsTest {

    private static final CliArguments RESTORE = new CliArguments(CliArguments.Verb.RESTORE, "connectors", 2L, 10);

    @Test
    void theCommentedComposeCommandIsTheLegacyManualRestore() throws Exception {
        List<String> command = DeploymentFiles.commentedCommand(DeploymentFiles.COMPOSE).orElseThrow();
        assertEquals(RESTORE, CliArguments.parse(command));
    }

    @Test
    void theCommandsShownInTheDeploymentFilesParse() throws Exception {
        String compose = DeploymentFiles.read(DeploymentFiles.COMPOSE);
        Matcher run = Pattern.compile("docker compose run --rm --no-deps aiod-backup (restore [^\\n]*)").matcher(compose);
        assertTrue(run.find());
        assertEquals(RESTORE, CliArguments.parse(List.of(run.group(1).strip().split(" "))));

        String dockerfile = DeploymentFiles.read(DeploymentFiles.DOCKERFILE);
        Matcher docker = Pattern.compile("aiod-backup (restore [a-z0-9 ]+)\\n").matcher(dockerfile);
        assertTrue(docker.find());
        assertEquals(RESTORE, CliArguments.parse(List.of(docker.group(1).strip().split(" "))));

        String manifest = DeploymentFiles.read(DeploymentFiles.KUBERNETES.resolve("aiod-backup.yml"));
        Matcher args = Pattern.compile("args: (\\[.*])").matcher(manifest);
        assertTrue(args.find());
        assertEquals(RESTORE, CliArguments.parse(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readValue(args.group(1), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {
                })));
    }
}
