// libdeflate: whole-buffer DEFLATE/zlib/gzip compression and decompression (Debian libdeflate-dev).
#ifndef TRIALSEARCH_CLIBDEFLATE_SHIM_H
#define TRIALSEARCH_CLIBDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
