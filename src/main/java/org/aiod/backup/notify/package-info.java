/**
 * Notifications on job end ({@code backup.notify.*}): webhooks (the completion event as JSON, or a Slack/Mattermost
 * line, optionally HMAC-signed) and healthchecks-style pings, sent on a small executor of their own with retries, so
 * that no job ever waits for them; what could not be delivered is logged, counted and shown in the wellness check.
 */
package org.aiod.backup.notify;
