package org.aiod.backup.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.quarkus.runtime.LaunchMode;

import org.aiod.backup.api.CredentialsGuard.AuthSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The start-up refusal over a table of configurations: who could call the API, in which launch mode. */
class CredentialsGuardTest {

    private static final Optional<String> KEYCLOAK = Optional.of("https://keycloak/realms/aiod");
    private static final Set<String> ADMIN = Set.of("admin");

    static Stream<Arguments> configurations() {
        return Stream.of(
                // name, launch mode, oidc on, oidc url, basic on, embedded on, users, expected refusal fragment
                row("nothing, prod", LaunchMode.NORMAL, false, Optional.empty(), true, true, Set.of(),
                        "no credentials are configured"),
                row("nothing, dev", LaunchMode.DEVELOPMENT, false, Optional.empty(), true, true, Set.of(), null),
                row("nothing, test", LaunchMode.TEST, false, Optional.empty(), true, true, Set.of(), null),
                row("embedded user", LaunchMode.NORMAL, false, Optional.empty(), true, true, ADMIN, null),
                row("oidc", LaunchMode.NORMAL, true, KEYCLOAK, true, true, Set.of(), null),
                row("oidc and embedded user", LaunchMode.NORMAL, true, KEYCLOAK, true, true, ADMIN, null),
                row("oidc with basic off", LaunchMode.NORMAL, true, KEYCLOAK, false, false, Set.of(), null),
                row("oidc without server", LaunchMode.NORMAL, true, Optional.empty(), true, true, Set.of(),
                        "quarkus.oidc.auth-server-url is not set"),
                row("oidc with blank server", LaunchMode.NORMAL, true, Optional.of(" "), true, true, Set.of(),
                        "quarkus.oidc.auth-server-url is not set"),
                row("oidc without server, embedded user", LaunchMode.NORMAL, true, Optional.empty(), true, true,
                        ADMIN, null),
                row("url but oidc off", LaunchMode.NORMAL, false, KEYCLOAK, true, true, Set.of(),
                        "no credentials are configured"),
                row("users but basic off", LaunchMode.NORMAL, false, Optional.empty(), false, true, ADMIN,
                        "HTTP Basic authentication is off"),
                row("users but realm off", LaunchMode.NORMAL, false, Optional.empty(), true, false, ADMIN,
                        "the embedded realm is off"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void decides(String name, LaunchMode mode, AuthSettings settings, String expected) {
        Optional<String> refusal = CredentialsGuard.refusal(mode, settings);
        if (expected == null) {
            assertEquals(Optional.empty(), refusal, name);
        } else {
            assertTrue(refusal.isPresent(), name + ": should refuse");
            assertTrue(refusal.get().contains(expected), refusal.get());
            assertTrue(refusal.get().contains("QUARKUS_OIDC_AUTH_SERVER_URL"), "says how to fix: " + refusal.get());
            assertTrue(refusal.get().contains("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_ADMIN"),
                    "says how to fix: " + refusal.get());
        }
    }

    private static Arguments row(String name, LaunchMode mode, boolean oidc, Optional<String> url, boolean basic,
            boolean embedded, Set<String> users, String expected) {
        return Arguments.of(name, mode, new AuthSettings(oidc, url, basic, embedded, users), expected);
    }
}
