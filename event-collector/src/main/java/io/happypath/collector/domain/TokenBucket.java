package io.happypath.collector.domain;

/**
 * A token bucket: {@code rate} tokens per second, holding at most one second's worth. Thread-safe.
 * <p>
 * A request larger than the bucket is allowed whenever the bucket is full (the balance goes negative), so a batch
 * bigger than one second's allowance is slowed down, never refused forever.
 */
public final class TokenBucket {

    private final double rate;
    private final double capacity;
    private double tokens;
    private long last;

    /** @param nowNanos the current time of a monotonic clock ({@link System#nanoTime()}) */
    public TokenBucket(double rate, long nowNanos) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + rate);
        }
        this.rate = rate;
        this.capacity = Math.max(1, rate);
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /**
     * Takes {@code n} tokens if available.
     *
     * @return 0 if taken, else how many nanoseconds until they would be
     */
    public synchronized long tryTake(int n, long nowNanos) {
        refill(nowNanos);
        double needed = Math.min(n, capacity);
        if (tokens >= needed) {
            tokens -= n;
            return 0;
        }
        return (long) Math.ceil((needed - tokens) / rate * 1e9);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed / 1e9 * rate);
            last = nowNanos;
        }
    }
}
