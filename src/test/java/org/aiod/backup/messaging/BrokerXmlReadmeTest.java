package org.aiod.backup.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

/**
 * The {@code broker.xml} fragment the README gives for an external Artemis is valid Artemis configuration and grants
 * exactly what the embedded broker grants on the service's addresses; nothing is created on demand.
 */
class BrokerXmlReadmeTest {

    private static final String MARKER = "<!-- broker.xml: checked by " + BrokerXmlReadmeTest.class.getName() + " -->";

    @Test
    void theReadmeFragmentGrantsWhatTheEmbeddedBrokerGrants() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int marker = readme.indexOf(MARKER);
        assertTrue(marker >= 0, "README.md has the broker.xml fragment");
        int start = readme.indexOf("```xml\n", marker) + "```xml\n".length();
        String fragment = readme.substring(start, readme.indexOf("```", start));
        String xml = "<configuration xmlns=\"urn:activemq\"><core xmlns=\"urn:activemq:core\">" + fragment
                + "</core></configuration>";

        Configuration parsed = new FileConfigurationParser()
                .parseMainConfig(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));

        Map<String, Set<Role>> embedded = BrokerAccounts.securityRoles();
        for (String address : Set.of(BrokerAccounts.BACKUP_COMMANDS, BrokerAccounts.RESTORE_COMMANDS,
                BrokerAccounts.VERIFY_COMMANDS, BrokerAccounts.PRUNE_COMMANDS, BrokerAccounts.BACKUP_EVENTS, BrokerAccounts.BACKUP_PROGRESS)) {
            assertEquals(describe(embedded.get(address)), describe(parsed.getSecurityRoles().get(address)), address);
        }
        // on everything else, none of the service's roles may do anything
        for (Role role : parsed.getSecurityRoles().get("#")) {
            assertEquals("amq", role.getName(), "only the broker's administrators on #");
        }
        assertEquals(Set.of("backup-commands", "restore-commands", "verify-commands", "prune-commands", "backup-events", "backup-progress", "DLQ",
                "ExpiryQueue"),
                parsed.getAddressConfigurations().stream().map(CoreAddressConfiguration::getName)
                        .collect(Collectors.toSet()));
        AddressSettings all = parsed.getAddressSettings().get("#");
        assertFalse(all.isAutoCreateAddresses());
        assertFalse(all.isAutoCreateQueues());
        assertEquals(EmbeddedBroker.MAX_DELIVERY_ATTEMPTS, all.getMaxDeliveryAttempts());
        assertEquals(EmbeddedBroker.DLQ, all.getDeadLetterAddress().toString());
    }

    /** Role name with the permissions it has, sorted: Role's own equality also compares permissions it lacks. */
    private static Set<String> describe(Set<Role> roles) {
        Set<String> out = new TreeSet<>();
        for (Role r : roles) {
            out.add(r.getName() + (r.isSend() ? " send" : "") + (r.isConsume() ? " consume" : "")
                    + (r.isBrowse() ? " browse" : "") + (r.isManage() ? " manage" : "")
                    + (r.isCreateAddress() ? " createAddress" : "") + (r.isCreateDurableQueue() ? " createDurable" : "")
                    + (r.isCreateNonDurableQueue() ? " createNonDurable" : "")
                    + (r.isDeleteNonDurableQueue() ? " deleteNonDurable" : ""));
        }
        return out;
    }
}
