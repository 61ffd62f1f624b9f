"""Test jidi_docs.pdf._channel: the warm converter's line channel to its UNO driver.

The channel is a loopback socket on every OS, so what runs here is what runs on Windows: there
``select()`` takes sockets only (Python docs, `select.select`: "On Windows, only sockets are
supported; on Unix, all file descriptors can be used"; CPython ``Modules/selectmodule.c`` hands
the sets to Winsock's ``select``), and LibreOffice's ``program\\python.exe`` launcher does not
hand pipes on (LibreOffice core ``pyuno/zipcore/python.cxx``: ``CreateProcessW(pythonexe, cl,
nullptr, nullptr, FALSE, …)``, no ``STARTF_USESTDHANDLES``).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from jidi_docs.pdf._channel import SLICE, Channel, Listener


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    yield Channel(ours), theirs
    ours.close()
    theirs.close()


def test_lines_come_whole_however_the_bytes_arrive(pair) -> None:
    channel, peer = pair
    peer.sendall(b'{"ready": tr')

    def rest() -> None:
        time.sleep(2 * SLICE)
        peer.sendall('ue}\n{"converted": ["文档"], "errors": []}\n'.encode())

    threading.Thread(target=rest).start()

    assert channel.read(time.monotonic() + 30) == {"ready": True}
    assert channel.read(time.monotonic() + 30) == {"converted": ["文档"], "errors": []}


def test_a_silent_peer_ends_in_a_timeout_at_the_deadline(pair) -> None:
    channel, _ = pair
    start = time.monotonic()

    with pytest.raises(TimeoutError):
        channel.readline(start + 3 * SLICE)

    assert time.monotonic() - start >= 3 * SLICE


def test_a_closed_peer_is_a_connection_error(pair) -> None:
    channel, peer = pair
    peer.sendall(b'{"converted": [], ')
    peer.close()

    with pytest.raises(ConnectionError):
        channel.readline(time.monotonic() + 30)


def test_the_listener_accepts_only_the_driver_that_knows_the_secret() -> None:
    listener = Listener()
    try:
        stranger = socket.create_connection(("127.0.0.1", listener.port))
        stranger.sendall(b"guess\n")
        driver = socket.create_connection(("127.0.0.1", listener.port))
        driver.sendall(f"{listener.token}\n".encode())

        channel = listener.accept(time.monotonic() + 30, lambda: True)

        driver.sendall(b'{"ready": true}\n')
        assert channel.read(time.monotonic() + 30) == {"ready": True}
        assert stranger.recv(10) == b""  # closed on it
        channel.close()
    finally:
        listener.close()
        for sock in (stranger, driver):
            sock.close()


def test_a_driver_that_ended_before_connecting_is_reported_at_once() -> None:
    listener = Listener()
    start = time.monotonic()
    try:
        with pytest.raises(ConnectionError):
            listener.accept(start + 60, lambda: False)
    finally:
        listener.close()

    assert time.monotonic() - start < 30  # not the whole start time-out
