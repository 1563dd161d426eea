import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Structured logs and metrics through Powertools for AWS Lambda: one JSON line per entry with level,
 * message, timestamp, service and the request's id (POWERTOOLS_LOG_LEVEL sets the level, INFO by
 * default); metrics as CloudWatch Embedded Metric Format lines in the namespace `Gatehouse`, flushed by
 * `route()` at the end of each invocation. An Error's stack goes to the log, never to a client.
 */
const SERVICE = 'gatehouse';
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: 'Gatehouse', serviceName: SERVICE });

/** The counters of docs/deploying.md, "Logging and metrics", by provider. */
export type MetricName = 'Logins' | 'LoginFailures' | 'Refreshes' | 'LimitRefusals';

/** This invocation's counts, by provider ('' for none) then metric. */
const pending = new Map<string, Map<MetricName, number>>();

export function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  logger[level](message, fields);
}

/**
 * A security event (ASVS V16.3): logins that succeed or fail, limits that refuse, replayed tokens. One
 * JSON line with `event`, never a password, token or plain email (accounts appear as hashes).
 */
export function securityEvent(event: string, fields: Record<string, unknown>): void {
  log('info', 'security event', { event, ...fields });
  if (event === 'login.succeeded') countMetric('Logins', typeof fields.provider === 'string' ? fields.provider : undefined);
}

/** Counts one event for this invocation's metrics, with the provider as a dimension when there is one. */
export function countMetric(name: MetricName, provider?: string): void {
  const key = provider ?? '';
  const counts = pending.get(key) ?? new Map<MetricName, number>();
  counts.set(name, (counts.get(name) ?? 0) + 1);
  pending.set(key, counts);
}

/** Tags every log line of an invocation with its API Gateway request id (as the access log has it). */
export function beginInvocation(requestId: string): void {
  logger.resetKeys();
  if (requestId) logger.appendKeys({ requestId });
}

/** Writes this invocation's metrics, one EMF line per dimension set; nothing when none were counted. */
export function endInvocation(): void {
  for (const [provider, counts] of pending) {
    if (provider) metrics.addDimension('provider', provider);
    for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
    metrics.publishStoredMetrics();
  }
  pending.clear();
}
