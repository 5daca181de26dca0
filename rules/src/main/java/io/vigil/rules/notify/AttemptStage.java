package io.vigil.rules.notify;

/**
 * One attempt at a receiver, counted by its result: a receiver that throws has failed in a way
 * worth another try, and an interrupted one (the notifier standing by) is left to the next term.
 * The innermost stage, next to the receiver itself.
 */
final class AttemptStage implements Receiver {
    private final Receiver receiver;
    private final NotifierMetrics metrics;

    AttemptStage(Receiver receiver, NotifierMetrics metrics) {
        this.receiver = receiver;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return receiver.name();
    }

    @Override
    public Outcome deliver(Notification n) {
        Outcome outcome;
        try {
            outcome = receiver.deliver(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry("interrupted");
        } catch (RuntimeException e) {
            outcome = new Outcome.Retry(receiver.name() + " failed: " + e);
        }
        metrics.attempt(receiver.name(), outcome);
        return outcome;
    }
}
