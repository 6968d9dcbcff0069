package io.github.iothubcommands.testkit.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Records in arrival order, at most {@code limit} of them: adding one more drops the oldest. Counts every
 * record ever added and every record dropped for the bound, whatever was taken or cleared since.
 * Thread-safe; {@link #take()} and {@link #poll(Duration)} wait for a record.
 *
 * @param <T> the record type
 */
public final class RecordLog<T> {
  private final int limit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private final ArrayDeque<T> records = new ArrayDeque<>();
  private volatile int count; // written under the lock
  private volatile int dropped;

  /** @param limit how many records to keep, 0 for none (counts only) */
  public RecordLog(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("recordLimit must be at least 0, but was " + limit);
    }
    this.limit = limit;
  }

  /** Appends a record, dropping the oldest if the log is full. */
  public void add(T record) {
    lock.lock();
    try {
      count++;
      if (limit == 0) {
        dropped++;
        return;
      }
      if (records.size() >= limit) {
        records.pollFirst();
        dropped++;
      }
      records.addLast(record);
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns the oldest record, waiting for one without limit. */
  public T take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (records.isEmpty()) {
        added.await();
      }
      return records.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns the oldest record, waiting up to {@code timeout} of real time; null if none came. */
  public @Nullable T poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      while (records.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = added.awaitNanos(nanos);
      }
      return records.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  /** The records kept, oldest first. */
  public List<T> snapshot() {
    lock.lock();
    try {
      return List.copyOf(records);
    } finally {
      lock.unlock();
    }
  }

  /** The kept records that match, mapped, oldest first. */
  public <R> List<R> snapshot(Predicate<? super T> filter, Function<? super T, ? extends R> mapper) {
    lock.lock();
    try {
      List<R> result = new ArrayList<>();
      for (T r : records) {
        if (filter.test(r)) {
          result.add(mapper.apply(r));
        }
      }
      return List.copyOf(result);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets the kept records; the counts stay. */
  public void clear() {
    clear(r -> true);
  }

  /** Forgets the kept records that match; the counts stay. */
  public void clear(Predicate<? super T> filter) {
    lock.lock();
    try {
      records.removeIf(filter);
    } finally {
      lock.unlock();
    }
  }

  /** Records ever added. */
  public int count() {
    return count;
  }

  /** Records dropped to stay within the limit. */
  public int dropped() {
    return dropped;
  }
}
