"""ikmo/broker.py against the real Redis: an acknowledgement Redis does not answer frees the
worker's slot anyway and is confirmed later (kombu's own transport keeps the slot taken)."""

import os
import uuid

import pytest
from kombu import Connection, Exchange, Queue
from redis.exceptions import TimeoutError as RedisTimeoutError

from ikmo import broker

pytestmark = pytest.mark.services


def _take(transport: str, *, messages: int, prefetch: int):
    """A queue of its own with ``messages`` messages, consumed with a prefetch of
    ``prefetch`` until that many are taken. Returns (connection, channel, queue, consumer,
    the messages taken)."""
    name = f"test-broker-{uuid.uuid4().hex}"
    queue = Queue(name, Exchange(name, type="direct"), routing_key=name)
    connection = Connection(os.environ["REDIS_URL"], transport=transport)
    channel = connection.channel()
    producer = connection.Producer(channel)
    for number in range(messages):
        producer.publish({"n": number}, exchange=queue.exchange, routing_key=name, declare=[queue])
    taken = []
    consumer = connection.Consumer(
        queue, channel=channel, callbacks=[lambda body, message: taken.append(message)]
    )
    consumer.qos(prefetch_count=prefetch)
    consumer.consume()
    while len(taken) < prefetch:
        connection.drain_events(timeout=5)
    return connection, channel, queue, consumer, taken


def _consume(transport: str, monkeypatch):
    """Three messages, a prefetch of two; both taken are acknowledged while Redis "does not
    answer". Returns (connection, channel, queue, consumer, the two messages)."""
    connection, channel, queue, consumer, taken = _take(transport, messages=3, prefetch=2)
    assert not channel.qos.can_consume()  # both slots taken

    def no_answer(self, delivery_tag, pipe=None):
        raise RedisTimeoutError("Timeout reading from socket")

    with monkeypatch.context() as patch:
        patch.setattr(type(channel.qos), "_remove_from_indices", no_answer)
        for message in taken:
            message.ack_log_error(_Log(), connection.connection_errors)
    return connection, channel, queue, consumer, taken


class _Log:
    def critical(self, *args, **kwargs):
        pass


def _unacked(channel, messages) -> list[str]:
    client = channel.client
    return [m.delivery_tag for m in messages if client.hexists(channel.unacked_key, m.delivery_tag)]


def test_kombus_own_transport_keeps_the_slots_of_failed_acknowledgements(monkeypatch):
    # Why ikmo/broker.py exists: with kombu's transport the worker asks for nothing more.
    connection, channel, queue, consumer, taken = _consume("redis", monkeypatch)
    try:
        assert not channel.qos.can_consume()
    finally:
        for message in taken:
            message.ack()
        consumer.cancel()
        queue(channel).delete()
        connection.release()


def test_a_failed_acknowledgement_frees_its_slot_and_is_confirmed_later(monkeypatch):
    connection, channel, queue, consumer, taken = _consume("ikmo.broker:Transport", monkeypatch)
    try:
        assert isinstance(channel.qos, broker.QoS)
        assert channel.qos.can_consume()  # the worker takes new work
        assert set(channel.qos.unconfirmed) == {m.delivery_tag for m in taken}
        # Still in Redis's unacked hash: not lost should the worker die now.
        assert _unacked(channel, taken) == [m.delivery_tag for m in taken]

        # Redis answers again: the third message comes, and acknowledging it confirms the
        # two earlier ones first.
        third = []
        consumer.register_callback(lambda body, message: third.append(message))
        while not third:
            connection.drain_events(timeout=5)
        assert third[0].payload == {"n": 2}
        third[0].ack()
        assert channel.qos.unconfirmed == {}
        assert _unacked(channel, [*taken, third[0]]) == []
    finally:
        consumer.cancel()
        queue(channel).delete()
        connection.release()


def test_the_periodic_restore_confirms_what_redis_did_not(monkeypatch):
    connection, channel, queue, consumer, taken = _consume("ikmo.broker:Transport", monkeypatch)
    try:
        assert len(channel.qos.unconfirmed) == 2
        channel.qos.restore_visible(num=10, interval=1)  # the event loop's call, every 10 s
        assert channel.qos.unconfirmed == {}
        assert _unacked(channel, taken) == []
    finally:
        consumer.cancel()
        queue(channel).delete()
        connection.release()


def test_a_failed_requeue_frees_its_slot_and_puts_the_message_back_later(monkeypatch):
    connection, channel, queue, consumer, taken = _take(
        "ikmo.broker:Transport", messages=1, prefetch=1
    )
    try:
        real_restore = broker.QoS.restore_by_tag

        def no_answer(self, tag, client=None, leftmost=False):
            raise RedisTimeoutError("Timeout reading from socket")

        monkeypatch.setattr(broker.QoS, "restore_by_tag", no_answer)
        taken[0].reject(requeue=True)  # e.g. its worker process was lost
        assert channel.qos.can_consume()
        assert channel.qos.unconfirmed == {taken[0].delivery_tag: True}
        monkeypatch.setattr(broker.QoS, "restore_by_tag", real_restore)
        channel.qos.restore_visible(num=10, interval=1)
        assert channel.qos.unconfirmed == {}
        while len(taken) < 2:
            connection.drain_events(timeout=5)
        assert taken[1].payload == {"n": 0}  # handed out again, once
        taken[1].ack()
    finally:
        consumer.cancel()
        queue(channel).delete()
        connection.release()


@pytest.mark.parametrize("transport", ["redis", "ikmo.broker:Transport"])
def test_a_connection_lost_with_messages_in_hand_does_not_stop_the_worker(transport):
    """What the worker's log showed when Redis stopped with a task running: kombu had closed
    the lost connection (its transport's `client` is None), then closed the channel, whose
    QoS put the messages back by reading the closed connection's address: AttributeError,
    "Unrecoverable error", the worker exited. The same for a task ending afterwards."""
    connection, channel, queue, consumer, taken = _take(transport, messages=2, prefetch=2)
    consumer.cancel()
    transport_object, client = channel.connection, channel.connection.client
    channel._disconnect_pools()  # what the channel's close does first
    transport_object.client = None  # what kombu's Connection.collect() does
    try:
        if transport == "redis":
            with pytest.raises(AttributeError):
                taken[0].ack()
            with pytest.raises(AttributeError):
                channel.qos.restore_unacked_once()
        else:
            taken[0].ack()  # a task that ended after the loss: no error, the slot is free
            assert channel.qos.can_consume()
            assert channel.qos.restore_unacked_once() is None
    finally:
        transport_object.client = client
        # The messages are still in Redis's unacked hash: not lost.
        assert _unacked(channel, taken) == [m.delivery_tag for m in taken]
        for message in taken:
            channel.qos._remove_from_indices(message.delivery_tag).execute()
        channel.qos._delivered.clear()  # nothing left for the channel's close to put back
        queue(channel).delete()
        connection.release()
