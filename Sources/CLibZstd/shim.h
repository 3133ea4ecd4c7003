// libzstd: Zstandard compression and decompression (Debian libzstd-dev, 1.4 on), the stored blocks' coder
// from index format 11 (`StoredWriter`, `StoredRecords`).
#ifndef TRIALSEARCH_CLIBZSTD_SHIM_H
#define TRIALSEARCH_CLIBZSTD_SHIM_H
#include <zstd.h>
#endif
