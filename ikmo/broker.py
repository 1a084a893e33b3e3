"""kombu's Redis transport, with two changes: an acknowledgement that Redis does not answer no
longer stops the worker from taking new work, and a connection lost while tasks run no longer
makes the worker exit.

Tasks are acknowledged late (CELERY_TASK_ACKS_LATE): when a task has finished, the worker's
main process removes its message from Redis's "unacked" hash and only then frees the slot the
message took (a worker takes at most concurrency × prefetch multiplier messages at a time).
kombu does the two in that order, so when Redis does not answer (frozen, overloaded, a network
that drops packets), the removal times out, "Couldn't ack" is logged and the slot stays taken.
Once as many acknowledgements have failed as the worker has slots, it never asks Redis for
another message: its connection never broke, so nothing resets the count. Redis answers again,
the queue fills, nothing is done until someone restarts the worker (tests/faults: Redis frozen
while two tasks finished).

Here the slot is freed in any case, and an acknowledgement (or requeue) that failed is tried
again before the next one and with the transport's periodic restore of unacknowledged messages
(every 10 s). Until it succeeds the message stays in the unacked hash; should the worker die
first, Redis hands it out again after the visibility timeout, as after any crash with late
acknowledgement (the tasks are idempotent: each looks at its row's state first).

When the connection to Redis is lost while the worker has messages in hand, kombu closes the
connection before the channel, then reads the closed connection's address to put the messages
back (and again for each task that ends afterwards): an AttributeError, "Unrecoverable error",
and the worker exited (tests/faults: Redis stopped while two tasks ran). Here those messages
stay in the unacked hash, to be handed out again after the visibility timeout.

Selected by CELERY_BROKER_TRANSPORT when the broker is Redis.
"""

from __future__ import annotations

import logging

from kombu.transport import redis as kombu_redis
from kombu.transport import virtual

logger = logging.getLogger(__name__)


class QoS(kombu_redis.QoS):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Delivery tags whose acknowledgement Redis did not confirm: tag -> requeue.
        self.unconfirmed: dict[str, bool] = {}

    def ack(self, delivery_tag):
        self._settle(delivery_tag, requeue=False)

    def reject(self, delivery_tag, requeue=False):
        self._settle(delivery_tag, requeue=requeue)

    def _connection_gone(self) -> bool:
        """Whether kombu has closed this channel's connection (the connection to Redis was
        lost and the worker has moved on to a new one). Then the Redis QoS would read the
        closed connection's address and fail with an AttributeError, which no one expects:
        the worker exited with "Unrecoverable error", never to come back when Redis does."""
        return self.channel.connection.client is None

    def _settle(self, delivery_tag, requeue: bool) -> None:
        if self._connection_gone():
            # A task taken before the connection was lost has ended. Redis keeps its message
            # in the unacked hash and hands it out again after the visibility timeout.
            logger.warning(
                "Message %s ended after the connection to Redis was lost: left for Redis to "
                "hand out again after the visibility timeout",
                delivery_tag,
            )
        elif self.confirm_unconfirmed():
            try:
                self._confirm(delivery_tag, requeue)
            except self.channel.connection_errors as error:
                self._remember(delivery_tag, requeue, error)
        else:
            # Redis did not answer a moment ago: do not wait for its timeout a second time.
            self._remember(delivery_tag, requeue, None)
        virtual.QoS.ack(self, delivery_tag)  # the slot is free: the worker takes new work

    def _confirm(self, delivery_tag, requeue: bool) -> None:
        if requeue:
            self.restore_by_tag(delivery_tag, leftmost=True)
        else:
            self._remove_from_indices(delivery_tag).execute()

    def _remember(self, delivery_tag, requeue: bool, error) -> None:
        self.unconfirmed[delivery_tag] = requeue
        logger.warning(
            "Redis did not confirm the %s of message %s (%s); it will be tried again",
            "requeue" if requeue else "acknowledgement",
            delivery_tag,
            f"{type(error).__name__}: {error}" if error else "it did not answer a moment ago",
        )

    def confirm_unconfirmed(self) -> bool:
        """Try the acknowledgements Redis did not confirm again, oldest first; False if Redis
        still does not answer."""
        if self._connection_gone():
            return False
        for delivery_tag, requeue in list(self.unconfirmed.items()):
            try:
                self._confirm(delivery_tag, requeue)
            except self.channel.connection_errors:
                return False
            del self.unconfirmed[delivery_tag]
            logger.info("Redis confirmed message %s after all", delivery_tag)
        return True

    def restore_visible(self, *args, **kwargs):
        # Called every unacked_restore_interval seconds by the worker's event loop.
        self.confirm_unconfirmed()
        return super().restore_visible(*args, **kwargs)

    def restore_unacked(self, client=None):
        """When the channel closes (shutdown, or the connection to Redis lost): put the
        messages taken but not done back at the head of their queues."""
        if client is None and self._connection_gone():
            # kombu closed the lost connection before this channel. Redis keeps these
            # messages in its unacked hash and hands them out again after the visibility
            # timeout.
            logger.warning(
                "Connection to Redis lost with %d message(s) taken: left for Redis to hand "
                "out again after the visibility timeout",
                len(self._delivered),
            )
            return None
        # Confirm what can be; what cannot waits for the visibility timeout.
        self.confirm_unconfirmed()
        return super().restore_unacked(client)


class Channel(kombu_redis.Channel):
    QoS = QoS


class Transport(kombu_redis.Transport):
    Channel = Channel
