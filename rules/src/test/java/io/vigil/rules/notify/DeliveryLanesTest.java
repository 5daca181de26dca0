package io.vigil.rules.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.AlertState;
import io.vigil.rules.notify.Receiver.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The lanes alone: a receiver that hangs holds up only itself, and outcomes come back on the thread that asks for them. */
class DeliveryLanesTest {
    private static Notification to(String receiver) {
        return new Notification(
                receiver, "g", Map.of(), List.of(Alerts.lost(AlertState.FIRING)), List.of(), "http://vigil.test");
    }

    /** Blocks until interrupted, as a receiver whose server accepts the connection and never answers. */
    static final class Hanging implements Receiver {
        final CountDownLatch entered = new CountDownLatch(1);
        volatile boolean interrupted;

        @Override
        public String name() {
            return "hung";
        }

        @Override
        public Outcome deliver(Notification n) throws InterruptedException {
            entered.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted = true;
                throw e;
            }
            return new Outcome.Delivered("never");
        }
    }

    static final class Answering implements Receiver {
        @Override
        public String name() {
            return "pager";
        }

        @Override
        public Outcome deliver(Notification n) {
            return new Outcome.Delivered("202");
        }
    }

    @Test
    void aReceiverThatHangsHoldsUpNoOtherAndClosingTheLanesLetsItGo() throws Exception {
        Hanging hung = new Hanging();
        List<String> outcomes = new CopyOnWriteArrayList<>();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        DeliveryLanes lanes = new DeliveryLanes(List.of("hung", "pager"), Clock.systemUTC());
        try {
            lanes.deliver(to("hung"), hung, (o, at) -> outcomes.add("hung: " + o));
            assertTrue(hung.entered.await(5, java.util.concurrent.TimeUnit.SECONDS));
            lanes.deliver(to("pager"), new Answering(), (o, at) -> {
                ranOn.add(Thread.currentThread());
                outcomes.add("pager: " + o);
            });
            lanes.deliver(to("pager"), new Answering(), (o, at) -> outcomes.add("pager again: " + o));
            await().pollInSameThread().atMost(Duration.ofSeconds(5)).until(() -> {
                lanes.runCompleted();
                return outcomes.size() == 2;
            });
            assertEquals(List.of("pager: Delivered[answer=202]", "pager again: Delivered[answer=202]"), outcomes);
            assertEquals(
                    List.of(Thread.currentThread()),
                    ranOn,
                    "outcomes are handled on the thread that runs them, never on a lane");
        } finally {
            lanes.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> hung.interrupted);
        lanes.runCompleted();
        assertEquals(2, outcomes.size(), "what a closed lane still had is dropped, not handed to the next term");
    }
}
