/**
 * The one-shot command line of the same artifact ({@code restore}, {@code backup}, {@code list}, {@code verify}):
 * it starts no server and no broker, takes the same dataset locks as the service, and exits with its status.
 */
package org.aiod.backup.cli;
