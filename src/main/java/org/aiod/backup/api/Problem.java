package org.aiod.backup.api;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An error answer: RFC 9457 problem details, plus a stable {@code code} to branch on and, when the command was
 * journaled as a rejected job, that job's id.
 *
 * @param type     {@code urn:aiod-backup:problem:<code in kebab case>}, one per code
 * @param title    the code in words; the same for every occurrence of the code
 * @param status   the HTTP status
 * @param detail   what went wrong in this occurrence
 * @param instance the rejected job ({@code /api/jobs/<id>}) when there is one, else the request path
 * @param code     the stable reason, such as {@code NO_SUCH_CYCLE} or {@code QUEUE_FULL}
 * @param jobId    the rejected job, when the command was journaled
 */
@Schema(name = "Problem", description = "RFC 9457 problem details, served as application/problem+json")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String code,
        String jobId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(int status, String code, String detail, String instance, String jobId) {
        String words = code.toLowerCase(Locale.ROOT).replace('_', ' ');
        return new Problem("urn:aiod-backup:problem:" + words.replace(' ', '-'),
                Character.toUpperCase(words.charAt(0)) + words.substring(1), status, detail, instance, code, jobId);
    }
}
