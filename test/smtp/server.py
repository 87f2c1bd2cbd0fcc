"""A test SMTP server for credpipe's transport tests and benchmark.

    /usr/bin/python3 test/smtp/server.py -o DIR [-p PORT] [-A USER:PASS]
        [-D MS] [-E MS] [-F PCT] [-G PCT] [-N] [-P PID] [-S SEED]
        [-T CERT:KEY] [-r 'ADDR=REPLY'] [-d ADDR] [-H ADDR]

It listens on 127.0.0.1 (PORT 0, the default, picks a free one) and, once
listening, writes the port to DIR/port.  It keeps in DIR:

    mail/N          each message it accepted (N = 1, 2, ...), as received
                    after the dots are unstuffed, CRLF line ends kept
    mail/N.env      its envelope: "session S", "from ADDR", "to ADDR"
    dropped/N       each message -d dropped after its data (N = 1, 2, ...),
    dropped/N.env   in the same formats as mail/N and mail/N.env
    wire/S          every byte the client sent in session S (from 1)
    stats           "sessions N", "max_concurrent N", "messages N",
                    "shed N", "refused N", "dropped N", one a line in this
                    order, rewritten whenever one of them changes

Every connection is a session, one refused at the greeting too; a message
dropped is not one of the "messages".

Options:
    -A USER:PASS    require AUTH (PLAIN or LOGIN) with these; without -T
                    it is offered in clear, as a careless relay does
    -T CERT:KEY     offer STARTTLS with this certificate chain and key
                    (PEM files); with -A, AUTH only after STARTTLS
    -D MS           delay every reply by MS milliseconds (a distant relay)
    -E MS           delay the reply to the end of a message's data by MS
                    milliseconds, and no other (a relay that is slow to
                    queue); the message is kept before the wait, so a
                    client that gives up has delivered it all the same
    -F PCT          shed load: answer the MAIL FROM of PCT percent of the
                    transactions, at random, with "421 4.3.2 shedding
                    load, try again later" and close the connection
    -G PCT          answer PCT percent of the connections, at random, with
                    the greeting "421 4.3.2 too busy, try again later" and
                    close them at once
    -N              keep no mail/, dropped/ or wire/ files (for the
                    benchmark)
    -P PID          exit when process PID is gone (the test that started
                    the server), so that no server outlives its test
    -S SEED         seed the random choices of -F and -G (default 1: the
                    same runs make the same choices); each option draws
                    from its own sequence, once per transaction or
                    connection, so how many -F sheds in its first N
                    transactions does not depend on how they interleave
                    with connections
    -r ADDR=REPLY   answer RCPT TO:<ADDR> with REPLY ("450 4.2.1 busy"); a
                    "\\n" in REPLY separates the lines of a multi-line one
    -d ADDR         a message for ADDR: close the connection after its
                    data, without a reply; -d '*': every message
    -H ADDR         a message for ADDR: never answer its data

It runs with Debian's /usr/bin/python3 and python3-aiosmtpd.
"""
import argparse
import asyncio
import logging
import os
import random
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP

SHED = "421 4.3.2 shedding load, try again later"
BUSY = "421 4.3.2 too busy, try again later"


class State:
    """What every session shares: options, counters and the files."""

    def __init__(self, opts):
        self.opts = opts
        self.tls = None
        if opts.tls:
            cert, sep, key = opts.tls.partition(":")
            if not sep:
                sys.exit("server.py: -T: want CERT:KEY, got %r" % opts.tls)
            self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls.load_cert_chain(cert, key)
        self.replies = {}
        for rule in opts.reply:
            addr, sep, reply = rule.partition("=")
            if not sep or len(reply) < 3 or not reply[:3].isdigit():
                sys.exit("server.py: -r: want ADDR=REPLY, got %r" % rule)
            self.replies[addr.lower()] = reply
        self.drop = {a.lower() for a in opts.drop}
        self.hang = {a.lower() for a in opts.hang}
        self.shed_rng = random.Random("%d shed" % opts.seed)
        self.refuse_rng = random.Random("%d refuse" % opts.seed)
        self.sessions = 0
        self.open = 0
        self.max_open = 0
        self.messages = 0
        self.shed = 0
        self.refused = 0
        self.dropped = 0
        self.dirty = False
        if not opts.null:
            for sub in ("mail", "dropped", "wire"):
                os.makedirs(os.path.join(opts.dir, sub), exist_ok=True)
        self.write_stats(True)

    def write_stats(self, force=False):
        # With -N (the benchmark) the file is written now and then and at
        # the end, not for every message: the server is the slow side.
        if self.opts.null and not force:
            self.dirty = True
            return
        self.dirty = False
        path = os.path.join(self.opts.dir, "stats")
        with open(path + ".tmp", "w") as f:
            f.write("sessions %d\nmax_concurrent %d\nmessages %d\n"
                    "shed %d\nrefused %d\ndropped %d\n"
                    % (self.sessions, self.max_open, self.messages,
                       self.shed, self.refused, self.dropped))
        os.replace(path + ".tmp", path)

    def keep(self, sub, n, server, envelope):
        """Write the message and its envelope as DIR/sub/n and n.env."""
        if self.opts.null:
            return
        path = os.path.join(self.opts.dir, sub, str(n))
        with open(path, "wb") as f:
            f.write(envelope.original_content)
        with open(path + ".env", "w") as f:
            f.write("session %d\nfrom %s\n" % (server.number,
                                                envelope.mail_from))
            for rcpt in envelope.rcpt_tos:
                f.write("to %s\n" % rcpt)


def chance(rng, pct):
    """True PCT percent of the time; draws nothing when PCT is 0."""
    return pct > 0 and rng.random() * 100 < pct


class Handler:
    def __init__(self, state):
        self.state = state

    async def handle_MAIL(self, server, session, envelope, address,
                          options):
        st = self.state
        if chance(st.shed_rng, st.opts.shed):
            st.shed += 1
            st.write_stats()
            await server.close_with(SHED)
            return SHED
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        reply = self.state.replies.get(address.lower())
        if reply:
            lines = reply.split("\\n")
            for line in lines[:-1]:
                await server.push(line)
            return lines[-1]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        st = self.state
        rcpts = {a.lower() for a in envelope.rcpt_tos}
        if rcpts & st.hang:
            await asyncio.sleep(3600)
        if "*" in st.drop or rcpts & st.drop:
            st.dropped += 1
            st.keep("dropped", st.dropped, server, envelope)
            st.write_stats()
            server.silent = True
            server.transport.abort()
            return "250 OK"
        st.messages += 1
        n = st.messages
        st.keep("mail", n, server, envelope)
        st.write_stats()
        if st.opts.data_delay:
            await asyncio.sleep(st.opts.data_delay / 1000)
        return "250 2.0.0 Ok: queued as %d" % n


class Session(SMTP):
    """One connection: counted, its bytes logged, its replies delayed."""

    def __init__(self, state, **kw):
        auth = state.opts.auth
        if auth:
            user, _, password = auth.partition(":")
            kw.update(auth_required=True,
                      auth_require_tls=state.tls is not None,
                      auth_callback=lambda mechanism, login, pw:
                      (login, pw) == (user.encode(), password.encode()))
        if state.tls is not None:
            kw.update(tls_context=state.tls, require_starttls=False)
        super().__init__(Handler(state), **kw)
        self.state = state
        self.number = 0
        self.refused = False
        self.silent = False     # replies no more: dropped or closed
        self.wire = None

    def connection_made(self, transport):
        st = self.state
        st.sessions += 1
        st.open += 1
        st.max_open = max(st.max_open, st.open)
        self.number = st.sessions
        if chance(st.refuse_rng, st.opts.refuse):
            self.refused = True
            st.refused += 1
        if not st.opts.null:
            self.wire = open(os.path.join(st.opts.dir, "wire",
                                          str(self.number)), "wb")
        st.write_stats()
        super().connection_made(transport)

    def connection_lost(self, error):
        st = self.state
        st.open -= 1
        if self.wire:
            self.wire.close()
            self.wire = None
        super().connection_lost(error)

    def data_received(self, data):
        if self.wire:
            self.wire.write(data)
            self.wire.flush()
        super().data_received(data)

    async def _handle_client(self):
        # The greeting is aiosmtpd's first push in _handle_client.
        if self.refused:
            await self.close_with(BUSY)
            return
        await super()._handle_client()

    async def close_with(self, reply):
        """Send the last reply and close: a 421's "closing the channel".
        close() sends what is buffered first, unlike -d's abort()."""
        await self.push(reply)
        self.silent = True
        self.transport.close()

    async def push(self, status):
        if self.silent:
            return
        delay = self.state.opts.delay
        # Delay each reply once, before its last line.
        if delay and (len(status) < 4 or status[3] != "-"):
            await asyncio.sleep(delay / 1000)
        await super().push(status)


async def flush_stats(state):
    while True:
        await asyncio.sleep(0.2)
        if state.dirty:
            state.write_stats(True)


async def watch_parent(pid):
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)
        await asyncio.sleep(0.5)


async def main(opts):
    state = State(opts)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: Session(state, hostname="credpipe-test", loop=loop,
                        data_size_limit=None),
        "127.0.0.1", opts.port)
    port = server.sockets[0].getsockname()[1]
    path = os.path.join(opts.dir, "port")
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.replace(path + ".tmp", path)
    if opts.parent:
        loop.create_task(watch_parent(opts.parent))
    if opts.null:
        loop.create_task(flush_stats(state))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    state.write_stats(True)


def percent(arg):
    pct = float(arg)
    if not 0 <= pct <= 100:
        raise ValueError(arg)
    return pct


def parse():
    p = argparse.ArgumentParser(prog="server.py")
    p.add_argument("-o", dest="dir", required=True)
    p.add_argument("-p", dest="port", type=int, default=0)
    p.add_argument("-A", dest="auth", default="")
    p.add_argument("-T", dest="tls", default="")
    p.add_argument("-D", dest="delay", type=int, default=0)
    p.add_argument("-E", dest="data_delay", type=int, default=0)
    p.add_argument("-F", dest="shed", type=percent, default=0)
    p.add_argument("-G", dest="refuse", type=percent, default=0)
    p.add_argument("-N", dest="null", action="store_true")
    p.add_argument("-P", dest="parent", type=int, default=0)
    p.add_argument("-S", dest="seed", type=int, default=1)
    p.add_argument("-r", dest="reply", action="append", default=[])
    p.add_argument("-d", dest="drop", action="append", default=[])
    p.add_argument("-H", dest="hang", action="append", default=[])
    return p.parse_args()


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    asyncio.run(main(parse()))
