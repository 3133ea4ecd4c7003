// libzstd: Zstandard compression and decompression (Debian libzstd-dev, 1.4 on), the stored blocks' coder
// from index format 11 (`StoredWriter`, `StoredRecords`). With zstd's experimental declarations
// (`ZSTD_STATIC_LINKING_ONLY`) for the buffer-less decoder (`ZSTD_decompressBegin`,
// `ZSTD_nextSrcSizeToDecompress`, `ZSTD_decompressContinue`; in zstd since 0.5, exported by libzstd.so)
// that a related-trials fetch decodes a block's leading bytes with (`StoredRecords.decodeLeading`).
#ifndef TRIALSEARCH_CLIBZSTD_SHIM_H
#define TRIALSEARCH_CLIBZSTD_SHIM_H
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#endif
