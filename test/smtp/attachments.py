"""Check the credentials mailed against the database, and keep them.

    /usr/bin/python3 test/smtp/attachments.py DB OUTDIR FILE...

For each message FILE (as the test SMTP server or a maildir keeps it),
takes its one application/json attachment, finds the credential its
Message-ID names (<UUID@DOMAIN> is urn:uuid:UUID), and checks that the
attachment holds exactly the signed document the database stores for
it (read through store-test, test/smtp/creddb.py), that it is named
after the credential's badge (SLUG.json), and that
the message went to that credential's recipient.  Writes the attachment
to OUTDIR/UUID.json.  Prints one line per problem and, last, the number
of messages checked; exits 1 when there was a problem.
"""
import email
import email.policy
import os
import sys

import creddb


def main():
    creds = creddb.load(sys.argv[1])
    out = sys.argv[2]
    problems = 0
    for path in sys.argv[3:]:
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        uuid = str(msg["Message-ID"]).strip().strip("<>").split("@")[0]
        atts = [p for p in msg.iter_attachments()
                if p.get_content_type() == "application/json"]
        row = creds.get("urn:uuid:" + uuid)
        if len(atts) != 1 or row is None:
            print("%s: not one application/json attachment, or no "
                  "credential %s" % (path, uuid))
            problems += 1
            continue
        data = atts[0].get_payload(decode=True)
        if data != row[0].encode():
            print("%s: the attachment is not the stored credential" % path)
            problems += 1
        if atts[0].get_filename() != row[2] + ".json":
            print("%s: the attachment is named %s, not %s.json" % (
                path, atts[0].get_filename(), row[2]))
            problems += 1
        if msg["To"].addresses[0].addr_spec != row[1]:
            print("%s: sent to %s, issued to %s" % (
                path, msg["To"].addresses[0].addr_spec, row[1]))
            problems += 1
        with open(os.path.join(out, uuid + ".json"), "wb") as f:
            f.write(data)
    print(len(sys.argv) - 3)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
