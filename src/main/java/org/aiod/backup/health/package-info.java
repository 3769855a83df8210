/**
 * Health, by what a failing probe makes Kubernetes do:
 * <ul>
 * <li>liveness ({@code /q/health/live}, a failure restarts the pod): the process can do work, the worker pool;</li>
 * <li>startup ({@code /q/health/started}): the start-up self-test passed;</li>
 * <li>readiness ({@code /q/health/ready}, a failure takes the pod out of the Service): the API can serve, the backup
 * root writable, the data root readable, the job journal writable;</li>
 * <li>wellness ({@code /q/health/well}, no probe uses it): the AMQP broker connection, which the service survives
 * without, so it must neither restart the pod nor stop the HTTP API; the backup root's free space against
 * {@code backup.disk.warn-free}, for an operator to act on before backups are refused.</li>
 * </ul>
 * Every check that is down says why in its data ({@code reason}).
 */
package org.aiod.backup.health;
