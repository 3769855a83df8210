package org.aiod.backup.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.security.identity.SecurityIdentity;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/me}: who the caller is, so that the web console shows only the buttons the caller's role may use
 * (the endpoints still check the role themselves). Works with every login the API takes: HTTP Basic, or an OIDC
 * bearer token when OIDC is on.
 */
@Path("/api/me")
@Tag(name = "me", description = "The caller")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
public class MeResource {

    /** The roles this service knows, lowest first. */
    private static final List<String> KNOWN = List.of(Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN);

    private final SecurityIdentity identity;

    public MeResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    /**
     * The caller.
     *
     * @param name  the user name (Basic) or the token's principal name (OIDC)
     * @param roles the caller's roles among backup-viewer, backup-operator, backup-admin, lowest first; roles the
     *              identity provider gives for other applications are left out
     */
    @Schema(name = "Me")
    public record Me(String name, List<String> roles) {
    }

    @GET
    @Operation(summary = "Who am I", description = "The caller's name and backup roles. Needs role backup-viewer "
            + "or above.")
    @APIResponse(responseCode = "200", description = "The caller", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Me.class)))
    public Me me() {
        return new Me(identity.getPrincipal().getName(), KNOWN.stream().filter(identity::hasRole).toList());
    }
}
