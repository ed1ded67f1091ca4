/**
 * The Java client's request pacing, as the consumer's request managers use it: Kafka's
 * `ExponentialBackoff` (retry.backoff.ms doubling up to retry.backoff.max.ms, with ±20 % jitter)
 * and `RequestState` (one request in flight, back off after a failure). Jitter comes from the
 * client's seeded generator, so runs are reproducible.
 */
import type { Random } from '../random';

/** `RequestState.RETRY_BACKOFF_EXP_BASE` and `RETRY_BACKOFF_JITTER`. */
export const RETRY_BACKOFF_EXP_BASE = 2;
export const RETRY_BACKOFF_JITTER = 0.2;

export class ExponentialBackoff {
  private readonly initialMs: number;
  private readonly expMax: number;

  constructor(
    initialMs: number,
    private readonly multiplier: number,
    private readonly maxMs: number,
    private readonly jitter: number,
    private readonly random: Random,
  ) {
    this.initialMs = Math.min(maxMs, initialMs);
    this.expMax =
      maxMs > this.initialMs ? Math.log(maxMs / Math.max(this.initialMs, 1)) / Math.log(multiplier) : 0;
  }

  /** The backoff after `attempts` failed attempts. */
  backoff(attempts: number): number {
    if (this.expMax === 0) return this.initialMs;
    const exp = Math.min(attempts, this.expMax);
    const term = this.initialMs * Math.pow(this.multiplier, exp);
    const factor =
      this.jitter < Number.MIN_VALUE ? 1 : 1 - this.jitter + this.random.next() * 2 * this.jitter;
    return Math.min(Math.floor(factor * term), this.maxMs);
  }
}

/** `org.apache.kafka.clients.consumer.internals.RequestState`. */
export class RequestState {
  lastSentMs = -1;
  lastReceivedMs = -1;
  numAttempts = 0;
  backoffMs = 0;
  private inFlight = false;
  private readonly exponentialBackoff: ExponentialBackoff;

  constructor(retryBackoffMs: number, retryBackoffMaxMs: number, random: Random) {
    this.exponentialBackoff = new ExponentialBackoff(
      retryBackoffMs,
      RETRY_BACKOFF_EXP_BASE,
      retryBackoffMaxMs,
      RETRY_BACKOFF_JITTER,
      random,
    );
  }

  reset(): void {
    this.inFlight = false;
    this.lastSentMs = -1;
    this.lastReceivedMs = -1;
    this.numAttempts = 0;
    this.backoffMs = this.exponentialBackoff.backoff(0);
  }

  canSendRequest(nowMs: number): boolean {
    return !this.inFlight && this.remainingBackoffMs(nowMs) <= 0;
  }

  requestInFlight(): boolean {
    return this.inFlight;
  }

  onSendAttempt(nowMs: number): void {
    this.inFlight = true;
    this.lastSentMs = nowMs;
  }

  onSuccessfulAttempt(nowMs: number): void {
    this.inFlight = false;
    this.lastReceivedMs = nowMs;
    this.backoffMs = this.exponentialBackoff.backoff(0);
    this.numAttempts = 0;
  }

  onFailedAttempt(nowMs: number): void {
    this.inFlight = false;
    this.lastReceivedMs = nowMs;
    this.backoffMs = this.exponentialBackoff.backoff(this.numAttempts);
    this.numAttempts++;
  }

  remainingBackoffMs(nowMs: number): number {
    return Math.max(0, this.backoffMs - (nowMs - this.lastReceivedMs));
  }
}

/**
 * `HeartbeatRequestState`: a RequestState plus the heartbeat interval timer. The timer starts
 * expired (interval 0 until the coordinator names one) and is re-armed at every send.
 */
export class HeartbeatRequestState extends RequestState {
  private intervalMs = 0;
  private deadlineMs: number;

  constructor(nowMs: number, retryBackoffMs: number, retryBackoffMaxMs: number, random: Random) {
    super(retryBackoffMs, retryBackoffMaxMs, random);
    this.deadlineMs = nowMs;
  }

  get heartbeatIntervalMs(): number {
    return this.intervalMs;
  }

  /** When the heartbeat timer expires (or expired). */
  get timerDeadlineMs(): number {
    return this.deadlineMs;
  }

  resetTimer(nowMs: number): void {
    this.deadlineMs = nowMs + this.intervalMs;
  }

  timeToNextHeartbeatMs(nowMs: number): number {
    if (nowMs >= this.deadlineMs) return this.remainingBackoffMs(nowMs);
    return this.deadlineMs - nowMs;
  }

  override onFailedAttempt(nowMs: number): void {
    this.deadlineMs = nowMs;
    super.onFailedAttempt(nowMs);
  }

  override canSendRequest(nowMs: number): boolean {
    return nowMs >= this.deadlineMs && super.canSendRequest(nowMs);
  }

  updateHeartbeatIntervalMs(intervalMs: number, nowMs: number): void {
    if (this.intervalMs === intervalMs) return;
    this.intervalMs = intervalMs;
    this.deadlineMs = nowMs + intervalMs;
  }
}
