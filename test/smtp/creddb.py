"""The credentials of a credpipe database, as the tests read them.

    creds = creddb.load(DB)    # {id: (document, email, badge slug)}

Reads the database through test/store/store-test dump (lib/store.h, any
engine), never the file itself: store-test is on PATH in the command
tests.  The dump's values are escaped as credpipe-records(5) escapes
them, every control character shown; NULL is \\N.
"""
import re
import subprocess

ESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def unescape(v):
    if v == "\\N":
        return None

    def one(m):
        e = m.group(1)
        if e in ESCAPES:
            return ESCAPES[e]
        return chr(int(e[1:], 16))
    return re.sub(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|.)", one, v)


def tables(db, *names):
    """{table: [row as {column: value}]} of the tables named."""
    out = subprocess.run(["store-test", "-d", db, "dump"], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    got = {n: [] for n in names}
    cols = {}
    for line in out.split("\n"):
        f = line.split("\t")
        if f[0].startswith("#") and f[0][1:] in got:
            cols[f[0][1:]] = f[1:]
        elif f[0] in got:
            got[f[0]].append(dict(zip(cols[f[0]],
                                      (unescape(v) for v in f[1:]))))
    return got


def load(db):
    t = tables(db, "credential", "badge")
    slug = {b["id"]: b["slug"] for b in t["badge"]}
    return {c["id"]: (c["document"], c["email"], slug[c["badge_id"]])
            for c in t["credential"]}
