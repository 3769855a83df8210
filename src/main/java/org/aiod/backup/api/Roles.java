package org.aiod.backup.api;

/**
 * The three roles of the HTTP API. Each role implies the ones below it, by construction: every endpoint lists the
 * role it needs and every role above it, so a caller needs exactly one role, whatever the identity provider.
 *
 * <table>
 * <caption>Who may do what</caption>
 * <tr><th>role</th><th>may</th></tr>
 * <tr><td>{@value #VIEWER}</td><td>read jobs and datasets ({@code GET /api/...})</td></tr>
 * <tr><td>{@value #OPERATOR}</td><td>as viewer, and start backups ({@code POST /api/backups})</td></tr>
 * <tr><td>{@value #ADMIN}</td><td>as operator, and start restores ({@code POST /api/restores})</td></tr>
 * </table>
 *
 * <p>With Keycloak, create these as realm roles (or as client roles of the {@code aiod-backup} client) and assign
 * one to each user or service account: Quarkus OIDC reads bearer tokens' roles from {@code groups}, then
 * {@code realm_access.roles} and {@code resource_access.<client-id>.roles}; another claim is selected with
 * {@code quarkus.oidc.roles.role-claim-path}.
 */
public final class Roles {

    public static final String VIEWER = "backup-viewer";
    public static final String OPERATOR = "backup-operator";
    public static final String ADMIN = "backup-admin";

    private Roles() {
    }
}
