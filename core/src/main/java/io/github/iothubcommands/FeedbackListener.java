package io.github.iothubcommands;

import io.github.iothubcommands.spi.FeedbackRecord;

/**
 * Sees every record of the hub's cloud-to-device feedback that the client receives — for its own commands
 * and for messages it does not track (another application instance's, say: the hub has one feedback
 * receiver per hub, and its receivers compete). Registered with {@link
 * CommandClientBuilder#feedbackListener(FeedbackListener)}.
 *
 * <p>Called on the transport's feedback thread, after the client has correlated the record's batch to its
 * commands, one record at a time in the hub's order: keep it quick and non-blocking. An exception it throws
 * is logged and ignored; it never makes the hub deliver the batch again.
 */
@FunctionalInterface
public interface FeedbackListener {

  /**
   * Called for each feedback record.
   *
   * @param record the record
   */
  void onFeedback(FeedbackRecord record);
}
