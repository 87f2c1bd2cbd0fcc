/* version.h: the version of credpipe, which -V prints and the Debian
 * package carries (debian/changelog must agree: make deb checks it). */
#ifndef CREDPIPE_VERSION_H
#define CREDPIPE_VERSION_H

#define CREDPIPE_VERSION "0.13.0"

#endif
