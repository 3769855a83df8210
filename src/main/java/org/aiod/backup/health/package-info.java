/**
 * Health: liveness (the worker pool; SmallRye Reactive Messaging adds its channels), readiness (backup root
 * writable, data root readable; SmallRye Reactive Messaging adds the broker connection), startup (the start-up
 * self-test). Every check that is down says why in its data ({@code reason}).
 */
package org.aiod.backup.health;
