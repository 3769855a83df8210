/** The service's configuration: one {@code @ConfigMapping} under the {@code backup} prefix, and the engine built from it. */
package org.aiod.backup.config;
