package org.aiod.backup.api;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.aiod.backup.catalog.DatasetCatalog;
import org.aiod.backup.catalog.FileDownload;
import org.aiod.backup.job.ErrorCode;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Browse and download: a directory's entries and a file's content as they were at a level of a cycle, read from the
 * archives by the dataset catalog. Listing is for viewers; content needs the admin role, since a file may hold
 * secrets (the same role that may restore it).
 */
@Path("/api/datasets/{name}/cycles/{cycle}/levels/{level}")
@Tag(name = "datasets", description = "Managed datasets and their backups")
public class BrowseResource {

    private final DatasetCatalog catalog;

    public BrowseResource(DatasetCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Path("tree")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN})
    @Operation(summary = "List a directory as it was at a level", description = "The entries of the directory "
            + "'path' (names joined by '/'; empty: the dataset's top) at that level, with the level each one's "
            + "content lies in. Needs role backup-viewer or above.")
    @APIResponse(responseCode = "200", description = "The directory", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TreeView.class)))
    @APIResponse(responseCode = "400", description = "INVALID_PATH: a malformed path, or a file", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "UNKNOWN_DATASET, NO_SUCH_CYCLE, NO_SUCH_LEVEL, NO_SUCH_PATH",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public TreeView tree(@PathParam("name") String name, @PathParam("cycle") long cycle,
            @PathParam("level") int level, @QueryParam("path") @DefaultValue("") String path) {
        requireManaged(name);
        return TreeView.of(name, cycle, level, path, catalog.tree(name, cycle, level, path));
    }

    @GET
    @Path("file")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Download a file as it was at a level", description = "The content of the file 'path' at "
            + "that level, streamed from the archive that holds it. Needs role backup-admin.")
    @APIResponse(responseCode = "200", description = "The content, with Content-Length and Content-Disposition",
            content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM))
    @APIResponse(responseCode = "400", description = "INVALID_PATH: a malformed path, a directory, a symlink",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "UNKNOWN_DATASET, NO_SUCH_CYCLE, NO_SUCH_LEVEL, NO_SUCH_PATH",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response file(@PathParam("name") String name, @PathParam("cycle") long cycle,
            @PathParam("level") int level, @QueryParam("path") @DefaultValue("") String path) {
        requireManaged(name);
        // opened here, before the answer starts: a path that is not there is a problem, not a broken stream
        FileDownload download = catalog.open(name, cycle, level, path);
        StreamingOutput body = out -> {
            try (download) {
                download.content().transferTo(out);
            } catch (RuntimeException e) {
                // the status is sent: all that is left is to break the answer off short of its Content-Length
                throw new IOException("download of '" + path + "' broken off: " + e.getMessage(), e);
            }
        };
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(HttpHeaders.CONTENT_LENGTH, download.size())
                .header("Content-Disposition", disposition(download.name()))
                .lastModified(Date.from(download.modified()))
                .build();
    }

    private void requireManaged(String name) {
        if (!catalog.manages(name)) {
            throw new ApiException.NotFound(ErrorCode.UNKNOWN_DATASET, "unknown dataset '" + name + "'");
        }
    }

    /** {@code attachment} with an ASCII {@code filename} and the exact name as RFC 5987 {@code filename*}. */
    static String disposition(String name) {
        StringBuilder ascii = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            ascii.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? c : '_');
        }
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
