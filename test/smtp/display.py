"""How a credential's mail displays, read with Python's email package and
html.parser, independent MIME and HTML parsers.

    /usr/bin/python3 test/smtp/display.py DB FILE...

For each message prints one line of TAB-separated fields, escaped as
parse.py escapes them:

    MESSAGE-ID  SHAPE  ATTACHMENT  CREDENTIAL  IMAGE  CID  NAME  TAGS
    SRC  HREF  TEXT

SHAPE is the MIME tree, "multipart/mixed(multipart/alternative(
text/plain,text/html),application/json)"; ATTACHMENT the file name of
the application/json attachment; CREDENTIAL "same" when it holds
exactly the document DB stores for the credential the Message-ID names
(read through store-test, test/smtp/creddb.py),
else "differs"; IMAGE "SHA256 TYPE FILENAME DISPOSITION" of the image of
a multipart/related, or "-"; CID "ok" when the HTML has one <img> and
its src is cid: and that image's Content-ID, "-" when there is neither
image nor <img>, else what is wrong; NAME "ok" when the text of the HTML
holds the recipient's display name exactly as decoded from To (so it
was escaped right, whatever it holds); TAGS the element names of the
HTML, sorted; SRC the src values that are not cid: URLs, "-" for none;
HREF the link targets, sorted, "-" for none; TEXT "same" when the text
of the HTML's body, white space collapsed, is the text/plain part's,
else both.  An attribute whose name starts with "on", or a style, and
a tag of the HTML's not closed, end the run (exit 1).
"""
import email
import email.header
import email.policy
import email.utils
import hashlib
import html.parser
import re
import sys

import creddb


def esc(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def shape(part):
    if part.is_multipart():
        return "%s(%s)" % (part.get_content_type(),
                           ",".join(shape(p) for p in part.iter_parts()))
    return part.get_content_type()


class Reader(html.parser.HTMLParser):
    """The tags, srcs, hrefs and body text of an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.srcs, self.hrefs = set(), [], []
        self.text, self.in_body = [], False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                sys.exit("display.py: attribute %s on %s" % (name, tag))
            if name == "src":
                self.srcs.append(value)
            if name == "href":
                self.hrefs.append(value)
        if tag == "body":
            self.in_body = True

    def handle_endtag(self, tag):
        if tag == "body":
            self.in_body = False

    def handle_data(self, data):
        if self.in_body:
            self.text.append(data)


def words(s):
    return " ".join(s.split())


def display_name(msg):
    raw = [v for k, v in msg.raw_items() if k.lower() == "to"][0]
    name, _ = email.utils.parseaddr(re.sub(r"\r\n(?=[ \t])", "", raw))
    return str(email.header.make_header(email.header.decode_header(name)))


def main():
    policy = email.policy.default.clone(raise_on_defect=True)
    creds = creddb.load(sys.argv[1])
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=policy)
        uuid = str(msg["Message-ID"]).strip().strip("<>").split("@")[0]
        row = creds.get("urn:uuid:" + uuid)
        att = [p for p in msg.iter_attachments()
               if p.get_content_type() == "application/json"]
        same = (len(att) == 1 and row is not None and
                att[0].get_payload(decode=True) == row[0].encode())
        html_part = msg.get_body(("html",))
        plain = msg.get_body(("plain",)).get_content()
        doc = html_part.get_content()
        reader = Reader()
        reader.feed(doc)
        reader.close()
        images = [p for p in msg.walk() if p.get_content_maintype() ==
                  "image"]
        image, cid = "-", "-"
        if images:
            p = images[0]
            data = p.get_payload(decode=True)
            image = "%s %s %s %s" % (hashlib.sha256(data).hexdigest(),
                                     p.get_content_type(), p.get_filename(),
                                     p.get_content_disposition())
        cids = [s for s in reader.srcs if s.startswith("cid:")]
        if images or "img" in reader.tags:
            want = ("cid:" + str(images[0]["Content-ID"]).strip().strip("<>")
                    if images else None)
            cid = "ok" if len(images) == 1 and cids == [want] else \
                "img %s, images %d" % (cids, len(images))
        name = display_name(msg)
        text = words("".join(reader.text))
        fields = [
            str(msg["Message-ID"]), shape(msg),
            att[0].get_filename() if len(att) == 1 else "%d" % len(att),
            "same" if same else "differs", image, cid,
            "ok" if name and name in "".join(reader.text) else
            "name not in the HTML: %r" % name,
            " ".join(sorted(reader.tags)),
            " ".join(s for s in reader.srcs if not s.startswith("cid:")) or
            "-",
            " ".join(sorted(reader.hrefs)) or "-",
            "same" if text == words(plain) else
            "html: %s | text: %s" % (text, words(plain)),
        ]
        print("\t".join(esc(f) for f in fields))


if __name__ == "__main__":
    main()
