// Snowball's own C library (libstemmer, Debian libstemmer-dev): the English (Porter2) stemmer.
#ifndef TRIALSEARCH_CSNOWBALL_SHIM_H
#define TRIALSEARCH_CSNOWBALL_SHIM_H
#include <libstemmer.h>
#endif
