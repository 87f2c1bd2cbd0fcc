/*
 * image.h: the images a credential carries (a badge's, an organization's)
 * and the mail shows, known by their bytes, and their data: URIs.
 *
 * Two types are taken, of 1 to IMAGE_MAX bytes each, and nothing else
 * (a GIF, a JPEG, an HTML page, an XML file of another root, ...):
 *
 * - PNG: the 8-byte signature, then whole chunks, each with its CRC:
 *   IHDR first (13 bytes: width and height from 1 to 2^31 - 1, a bit
 *   depth the colour type allows), one IDAT at least, IEND last with
 *   nothing after it.  A PNG cut short is refused.
 * - SVG: UTF-8 text without NUL, an optional byte order mark, then white
 *   space, an XML declaration, comments, processing instructions and a
 *   DOCTYPE without an internal subset (no entities), in any number, then
 *   the root element: <svg with the attribute
 *   xmlns="http://www.w3.org/2000/svg", its start tag closed.  What the
 *   image holds after that is not looked at: it is shown as an image
 *   (an <img>), where an SVG runs no script and loads nothing.
 *
 * The data: URI of an image is "data:image/png;base64," or
 * "data:image/svg+xml;base64," and its bytes in base64 with padding: the
 * form credential_is_image (credential.h) takes, at most
 * CREDENTIAL_IMAGE_URI_MAX characters for IMAGE_MAX bytes.
 *
 * Reasons never quote the input.
 */
#ifndef CREDPIPE_IMAGE_H
#define CREDPIPE_IMAGE_H

#include <stddef.h>

#include "buf.h"

/* The largest image, in bytes: 64 KiB. */
#define IMAGE_MAX 65536

/* Room for any reason the functions below write, with its NUL. */
#define IMAGE_WHY_MAX 128

enum image_type {
	IMAGE_NONE,		/* not an image taken here */
	IMAGE_PNG,
	IMAGE_SVG
};

/*
 * The type of the image in the n bytes at p: IMAGE_PNG or IMAGE_SVG, or
 * IMAGE_NONE with a reason in why ("empty", "more than 65536 bytes",
 * "a GIF image; use PNG or SVG", "PNG: chunk IDAT cut short", "SVG: the
 * root element is not svg").
 */
enum image_type image_sniff(const void *p, size_t n, char why[IMAGE_WHY_MAX]);

/* The MIME type of t ("image/png", "image/svg+xml") and its short name,
 * also the file name extension ("png", "svg"); NULL for IMAGE_NONE. */
const char *image_mime_type(enum image_type t);
const char *image_name(enum image_type t);

/*
 * Append the data: URI of the n bytes at p to out.  Return 0, or -1 with
 * why (image_sniff's) and out as it was.
 */
int image_uri(struct buf *out, const void *p, size_t n,
    char why[IMAGE_WHY_MAX]);

/*
 * The image a data: URI holds: its bytes in bytes (emptied first) and its
 * type in *t.  Return 0, or -1 with why, bytes empty and *t IMAGE_NONE
 * when uri is not the data: URI of an image, or holds bytes that are not
 * of the type it names ("not a data: URI of a PNG or SVG image", which is
 * what an https URL gets).
 */
int image_from_uri(const char *uri, struct buf *bytes, enum image_type *t,
    char why[IMAGE_WHY_MAX]);

/*
 * Read the image file at path and append its data: URI to uri.  Return
 * 0, or -1 with why ("cannot read: No such file or directory", or
 * image_sniff's reason) and uri as it was.  At most IMAGE_MAX + 1 bytes
 * are read.
 */
int image_load(const char *path, struct buf *uri, char why[IMAGE_WHY_MAX]);

#endif
