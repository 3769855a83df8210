package org.aiod.backup.messaging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.aiod.backup.api.Roles;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * Who may log in to the embedded broker (SASL PLAIN), with which roles, and what each role may do on which address.
 *
 * <p>The accounts are those of the HTTP API's embedded realm ({@code quarkus.security.users.embedded.*}): the same
 * user, password and roles work for both. A hashed password (the realm's default outside dev and test) is checked the
 * way the realm checks it: the hex digest (SHA-512 unless {@code quarkus.security.users.embedded.algorithm} says
 * otherwise) of {@code user:realm:password}, realm {@code Quarkus}. Besides those, an {@code amqp-username} /
 * {@code amqp-password} pair is an account of the broker only, with the role {@value Roles#ADMIN}, and the service's
 * own clients log in with an account generated at start-up, whose password exists only in memory.
 *
 * <p>Authorisation, per address (Artemis security settings, see {@link #securityRoles()}); a higher role includes
 * the lower ones, as on the HTTP API:
 * <table>
 * <caption>Who may do what</caption>
 * <tr><th>address</th><th>send</th><th>consume</th></tr>
 * <tr><td>{@code backup-commands}</td><td>{@value Roles#OPERATOR}, {@value Roles#ADMIN}</td><td>the service</td></tr>
 * <tr><td>{@code restore-commands}</td><td>{@value Roles#ADMIN}</td><td>the service</td></tr>
 * <tr><td>{@code verify-commands}</td><td>{@value Roles#OPERATOR}, {@value Roles#ADMIN}</td><td>the service</td></tr>
 * <tr><td>{@code prune-commands}</td><td>{@value Roles#ADMIN}</td><td>the service</td></tr>
 * <tr><td>{@code backup-events}</td><td>the service</td><td>{@value Roles#VIEWER}, {@value Roles#OPERATOR},
 * {@value Roles#ADMIN}</td></tr>
 * <tr><td>{@code backup-progress}</td><td>the service</td><td>{@value Roles#VIEWER}, {@value Roles#OPERATOR},
 * {@value Roles#ADMIN}, each through a subscription of its own</td></tr>
 * <tr><td>anything else ({@code #})</td><td>nobody</td><td>nobody</td></tr>
 * </table>
 * Nobody may create or delete addresses or durable queues: the addresses are created by the broker's configuration.
 * {@code backup-progress} is a MULTICAST address: a watcher's subscription is a non-durable queue that the broker
 * makes when it attaches and removes when it leaves, which is all its role may create.
 */
final class BrokerAccounts {

    /** The service's own account (command receiver, events channel) on its embedded broker. */
    static final String SERVICE_USER = "aiod-backup-service";
    /** The role of the service's own account; on an external broker, give it to the account the service uses. */
    static final String SERVICE_ROLE = "aiod-backup-service";
    static final String BACKUP_COMMANDS = "backup-commands";
    static final String RESTORE_COMMANDS = "restore-commands";
    static final String VERIFY_COMMANDS = "verify-commands";
    static final String PRUNE_COMMANDS = "prune-commands";
    static final String BACKUP_EVENTS = "backup-events";
    static final String BACKUP_PROGRESS = "backup-progress";

    /** One account: its roles and how its password is checked. */
    record Account(String user, Set<String> roles, PasswordCheck password) {
    }

    /** Checks a presented password; never keeps it. */
    interface PasswordCheck {
        boolean matches(String user, char[] presented);
    }

    private final Map<String, Account> accounts;

    private BrokerAccounts(Map<String, Account> accounts) {
        this.accounts = Collections.unmodifiableMap(new LinkedHashMap<>(accounts));
    }

    static BrokerAccounts none() {
        return new BrokerAccounts(Map.of());
    }

    /**
     * The accounts of the HTTP API's embedded realm.
     *
     * @param users user to password: in clear when {@code plainText}, else the hex digest of
     *        {@code user:realm:password}
     * @param roles user to a comma-separated list of roles
     * @param digestAlgorithm the realm's algorithm as Quarkus names it ({@code DIGEST_SHA_512}, ...)
     */
    static BrokerAccounts fromRealm(Map<String, String> users, Map<String, String> roles, boolean plainText,
            String digestAlgorithm, String realm) {
        Map<String, Account> accounts = new LinkedHashMap<>();
        String algorithm = plainText ? null : messageDigest(digestAlgorithm);
        new TreeMap<>(users).forEach((user, password) -> accounts.put(user, new Account(user,
                roleSet(roles.get(user)), plainText ? plain(password) : digest(algorithm, realm, password))));
        return new BrokerAccounts(accounts);
    }

    /**
     * These accounts and one more.
     *
     * @throws IllegalArgumentException when {@code user} already has an account
     */
    BrokerAccounts with(String user, String password, Set<String> roles) {
        if (accounts.containsKey(user)) {
            throw new IllegalArgumentException("two accounts of the embedded AMQP broker are named " + user
                    + " (HTTP users, amqp-username and the service's own account " + SERVICE_USER
                    + " share one name space); rename one");
        }
        Map<String, Account> more = new LinkedHashMap<>(accounts);
        more.put(user, new Account(user, Set.copyOf(roles), plain(password)));
        return new BrokerAccounts(more);
    }

    boolean isEmpty() {
        return accounts.isEmpty();
    }

    Optional<Account> account(String user) {
        return user == null ? Optional.empty() : Optional.ofNullable(accounts.get(user));
    }

    /** User names and roles, for the start-up log; never a password. */
    String describe() {
        StringBuilder b = new StringBuilder();
        accounts.values().forEach(a -> b.append(b.length() == 0 ? "" : ", ").append(a.user()).append(" ")
                .append(a.roles().isEmpty() ? "(no role)" : a.roles().toString()));
        return b.toString();
    }

    /** A random password of 256 bits for the service's own account. */
    static String randomPassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The Artemis security settings described on this class, by address match. */
    static Map<String, Set<Role>> securityRoles() {
        Map<String, Set<Role>> settings = new LinkedHashMap<>();
        settings.put("#", Set.of());
        settings.put(BACKUP_COMMANDS, Set.of(sender(Roles.OPERATOR), sender(Roles.ADMIN), consumer(SERVICE_ROLE)));
        settings.put(RESTORE_COMMANDS, Set.of(sender(Roles.ADMIN), consumer(SERVICE_ROLE)));
        // a verify reads, as a backup does; a prune removes backups, which needs the admin role, as a restore does
        settings.put(VERIFY_COMMANDS, Set.of(sender(Roles.OPERATOR), sender(Roles.ADMIN), consumer(SERVICE_ROLE)));
        settings.put(PRUNE_COMMANDS, Set.of(sender(Roles.ADMIN), consumer(SERVICE_ROLE)));
        settings.put(BACKUP_EVENTS, Set.of(consumer(Roles.VIEWER), consumer(Roles.OPERATOR), consumer(Roles.ADMIN),
                sender(SERVICE_ROLE)));
        settings.put(BACKUP_PROGRESS, Set.of(subscriber(Roles.VIEWER), subscriber(Roles.OPERATOR),
                subscriber(Roles.ADMIN), sender(SERVICE_ROLE)));
        return settings;
    }

    private static Role sender(String name) {
        return new Role(name, true, false, false, false, false, false, false, false, false, false, false, false);
    }

    /** Consumes from a MULTICAST address: its own non-durable subscription queue, made and removed by the broker. */
    private static Role subscriber(String name) {
        return new Role(name, false, true, false, false, true, true, false, false, false, false, false, false);
    }

    private static Role consumer(String name) {
        return new Role(name, false, true, false, false, false, false, false, false, false, false, false, false);
    }

    /** The broker's security manager over these accounts. */
    ActiveMQSecurityManager securityManager() {
        return new ActiveMQSecurityManager() {
            @Override
            public boolean validateUser(String user, String password) {
                return authenticate(user, password).isPresent();
            }

            @Override
            public boolean validateUserAndRole(String user, String password, Set<Role> allowed, CheckType check) {
                Optional<Account> account = authenticate(user, password);
                return account.isPresent() && allowed != null && allowed.stream()
                        .anyMatch(role -> check.hasRole(role) && account.get().roles().contains(role.getName()));
            }
        };
    }

    Optional<Account> authenticate(String user, String password) {
        if (password == null) {
            return Optional.empty();
        }
        char[] presented = password.toCharArray();
        try {
            return account(user).filter(a -> a.password().matches(a.user(), presented));
        } finally {
            Arrays.fill(presented, '\0');
        }
    }

    private static Set<String> roleSet(String roles) {
        Set<String> set = new LinkedHashSet<>();
        if (roles != null) {
            for (String role : roles.split(",")) {
                if (!role.isBlank()) {
                    set.add(role.strip());
                }
            }
        }
        return Set.copyOf(set);
    }

    private static PasswordCheck plain(String password) {
        byte[] expected = password.getBytes(StandardCharsets.UTF_8);
        return (user, presented) -> MessageDigest.isEqual(expected, utf8(presented));
    }

    private static PasswordCheck digest(String algorithm, String realm, String hex) {
        byte[] expected = hex.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return (user, presented) -> {
            try {
                MessageDigest md = MessageDigest.getInstance(algorithm);
                md.update((user + ":" + realm + ":").getBytes(StandardCharsets.UTF_8));
                md.update(utf8(presented));
                byte[] actual = java.util.HexFormat.of().formatHex(md.digest()).getBytes(StandardCharsets.US_ASCII);
                return MessageDigest.isEqual(expected, actual);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static byte[] utf8(char[] chars) {
        java.nio.ByteBuffer buffer = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** The JCA name of one of Quarkus's {@code DigestAlgorithm} constants. */
    static String messageDigest(String quarkusName) {
        String name = switch (quarkusName.toUpperCase(Locale.ROOT).replace('-', '_')) {
            case "DIGEST_MD5" -> "MD5";
            case "DIGEST_SHA" -> "SHA-1";
            case "DIGEST_SHA_256" -> "SHA-256";
            case "DIGEST_SHA_384" -> "SHA-384";
            case "DIGEST_SHA_512" -> "SHA-512";
            case "DIGEST_SHA_512_256" -> "SHA-512/256";
            default -> throw new IllegalArgumentException("unknown digest algorithm " + quarkusName);
        };
        try {
            MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("digest algorithm " + name + " is not available", e);
        }
        return name;
    }
}
