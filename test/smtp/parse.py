"""Read messages with Python's email package, an independent MIME parser.

    /usr/bin/python3 test/smtp/parse.py FILE...

For each file prints one line of TAB-separated fields, escaped as in a
credpipe record stream (backslash, TAB, LF and CR as \\\\, \\t, \\n, \\r):

    MESSAGE-ID  FROM-NAME  FROM-ADDR  TO-NAME  TO-ADDR  SUBJECT
    ATTACHMENTS  BODY  WIRE

ATTACHMENTS is "FILENAME TYPE SHA256" for each attachment, joined by
" + "; BODY the decoded text/plain part with LF line ends; WIRE is "ok"
when every line of the file ends in CRLF, with no CR or LF alone, and no
header line of the message (before the first blank line) is longer than
76 characters, and otherwise says what is wrong.  The parser runs with
raise_on_defect, so a message it finds fault with stops the run (exit 1).
Leading Return-Path and Delivered-To lines (a maildir's) are part of the
header like any other.

Display names are decoded with email.utils.parseaddr and
email.header.decode_header, not with the address objects of
email.policy.default: in Python 3.11 those keep the white space between
two adjacent encoded-words of a display name (CPython issue gh-128110,
fixed in later versions), where RFC 2047 section 6.2 says it is ignored.
"""
import email
import email.header
import email.policy
import email.utils
import hashlib
import re
import sys


def esc(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def wire(raw):
    if re.search(rb"\r(?!\n)|(?<!\r)\n", raw):
        return "a CR or LF alone"
    if not raw.endswith(b"\r\n"):
        return "no CRLF at the end"
    head = raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):
        if len(line) > 76:
            return "header line of %d characters" % len(line)
    return "ok"


def address(msg, name):
    """The decoded display name and the address of header name."""
    raw = [v for k, v in msg.raw_items() if k.lower() == name.lower()]
    if len(raw) != 1:
        sys.exit("parse.py: %d %s headers" % (len(raw), name))
    display, addr = email.utils.parseaddr(re.sub(r"\r\n(?=[ \t])", "",
                                                 raw[0]))
    decoded = email.header.make_header(email.header.decode_header(display))
    return str(decoded), addr


def main():
    policy = email.policy.default.clone(raise_on_defect=True)
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=policy)
        from_name, from_addr = address(msg, "From")
        to_name, to_addr = address(msg, "To")
        atts = []
        for part in msg.iter_attachments():
            data = part.get_payload(decode=True)
            atts.append("%s %s %s" % (part.get_filename(),
                                      part.get_content_type(),
                                      hashlib.sha256(data).hexdigest()))
        body = msg.get_body(("plain",)).get_content()
        body = body.replace("\r\n", "\n")
        fields = [msg["Message-ID"], from_name, from_addr, to_name, to_addr,
                  str(msg["Subject"]),
                  " + ".join(atts), body, wire(raw)]
        print("\t".join(esc(f) for f in fields))


if __name__ == "__main__":
    main()
