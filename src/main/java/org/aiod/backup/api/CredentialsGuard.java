package org.aiod.backup.api;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.elytron.security.properties.runtime.MPRealmRuntimeConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.SmallRyeConfig;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Refuses to start a production run whose HTTP API nobody could call, and prints the dev users in the dev profile.
 *
 * <h2>Configuring credentials</h2>
 * Two standard Quarkus mechanisms, usable together; roles are those of {@link Roles}.
 * <ul>
 * <li><b>OIDC bearer tokens (Keycloak, production)</b>: off by default ({@code quarkus.oidc.tenant-enabled=false}).
 * Enable with {@code QUARKUS_OIDC_TENANT_ENABLED=true},
 * {@code QUARKUS_OIDC_AUTH_SERVER_URL=https://keycloak/realms/aiod} and {@code QUARKUS_OIDC_CLIENT_ID=aiod-backup}.
 * In the realm, create the roles {@code backup-viewer}, {@code backup-operator} and {@code backup-admin} (realm
 * roles, or client roles of {@code aiod-backup}) and assign one per user or service account; a higher role
 * includes the lower ones. Quarkus reads the roles of an access token from {@code groups}, then
 * {@code realm_access.roles} and {@code resource_access.aiod-backup.roles}; set
 * {@code QUARKUS_OIDC_ROLES_ROLE_CLAIM_PATH} if they are elsewhere.</li>
 * <li><b>HTTP Basic with the embedded realm (laptops, tests, small installs)</b>: users and roles are properties.
 * The dev and test profiles define {@code viewer}, {@code operator} and {@code admin}, each with its name as
 * password and the role of the same name, in plain text. Any other profile takes users from the environment, one
 * pair per user (the user name is the lower-cased suffix):
 * <pre>
 * QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN=$(echo -n 'admin:Quarkus:s3cret' | sha512sum | cut -d' ' -f1)
 * QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN=backup-admin,backup-operator,backup-viewer
 * </pre>
 * The password is stored as the hex SHA-512 of {@code user:Quarkus:password} (the realm name is
 * {@code Quarkus}; {@code QUARKUS_SECURITY_USERS_EMBEDDED_ALGORITHM} selects another digest); with
 * {@code QUARKUS_SECURITY_USERS_EMBEDDED_PLAIN_TEXT=true} it is given in clear.</li>
 * </ul>
 *
 * <h2>The refusal</h2>
 * A run in the normal launch mode ({@code java -jar}, the container image; whatever the profile) stops at start-up
 * with a {@link ConfigurationException} that says the above in one paragraph, when neither OIDC is enabled with
 * an auth server URL nor HTTP Basic is on with at least one embedded user. Dev and test runs are never refused.
 */
@ApplicationScoped
public class CredentialsGuard {

    /** What decides whether anyone can authenticate. */
    record AuthSettings(boolean oidcEnabled, Optional<String> oidcServerUrl, boolean basicEnabled,
            boolean embeddedEnabled, Set<String> embeddedUsers) {
    }

    private static final Logger LOG = Logger.getLogger(CredentialsGuard.class);

    static final String HOW_TO = "Either enable OIDC (QUARKUS_OIDC_TENANT_ENABLED=true, "
            + "QUARKUS_OIDC_AUTH_SERVER_URL=https://keycloak/realms/aiod, QUARKUS_OIDC_CLIENT_ID=aiod-backup; "
            + "roles backup-viewer, backup-operator, backup-admin) or define HTTP Basic users "
            + "(QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN=<hex sha512 of 'admin:Quarkus:<password>'>, "
            + "QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_ADMIN=backup-admin). See the javadoc of "
            + CredentialsGuard.class.getName() + ".";

    private final Config config;

    CredentialsGuard(Config config) {
        this.config = config;
    }

    /** Why a run in {@code mode} with {@code settings} must not start, or empty when it may. */
    static Optional<String> refusal(LaunchMode mode, AuthSettings settings) {
        if (mode != LaunchMode.NORMAL) {
            return Optional.empty();
        }
        boolean oidcServer = settings.oidcServerUrl().filter(url -> !url.isBlank()).isPresent();
        if (settings.oidcEnabled() && oidcServer) {
            return Optional.empty();
        }
        if (settings.basicEnabled() && settings.embeddedEnabled() && !settings.embeddedUsers().isEmpty()) {
            return Optional.empty();
        }
        String why;
        if (settings.oidcEnabled()) {
            why = "OIDC is enabled but quarkus.oidc.auth-server-url is not set";
        } else if (!settings.embeddedUsers().isEmpty() && !settings.basicEnabled()) {
            why = "embedded users are defined but HTTP Basic authentication is off (quarkus.http.auth.basic)";
        } else if (!settings.embeddedUsers().isEmpty() && !settings.embeddedEnabled()) {
            why = "embedded users are defined but the embedded realm is off (quarkus.security.users.embedded.enabled)";
        } else {
            why = "no credentials are configured: OIDC is off and no embedded user is defined";
        }
        return Optional.of("Refusing to start: nobody could call the HTTP API: " + why + ". " + HOW_TO);
    }

    void check(@Observes @Priority(100) StartupEvent event) {
        MPRealmRuntimeConfig realm = config.unwrap(SmallRyeConfig.class).getConfigMapping(MPRealmRuntimeConfig.class);
        AuthSettings settings = new AuthSettings(
                config.getOptionalValue("quarkus.oidc.tenant-enabled", Boolean.class).orElse(true),
                config.getOptionalValue("quarkus.oidc.auth-server-url", String.class),
                config.getOptionalValue("quarkus.http.auth.basic", Boolean.class).orElse(false),
                config.getOptionalValue("quarkus.security.users.embedded.enabled", Boolean.class).orElse(false),
                realm.users().keySet());
        Optional<String> refusal = refusal(LaunchMode.current(), settings);
        if (refusal.isPresent()) {
            throw new ConfigurationException(refusal.get());
        }
        if (ConfigUtils.getProfiles().contains("dev") && realm.plainText()) {
            Map<String, String> users = new TreeMap<>();
            realm.users().forEach((user, password) -> users.put(user, user + ":" + password + " ("
                    + realm.roles().getOrDefault(user, "no role") + ")"));
            LOG.infof("dev profile: HTTP Basic users %s", users.values());
        }
    }
}
