/**
 * HTTP: thin resources that translate requests into job commands (source {@code http}) and answer from the job
 * service; one exception hierarchy ({@link org.aiod.backup.api.ApiException}), one table from failure to status
 * ({@link org.aiod.backup.api.StatusTable}) and one mapper writing {@code application/problem+json}
 * ({@link org.aiod.backup.api.ProblemMapper}); roles ({@link org.aiod.backup.api.Roles}) and the start-up refusal to
 * run without credentials ({@link org.aiod.backup.api.CredentialsGuard}).
 */
package org.aiod.backup.api;
