// CIntrinsics is header-only (static inline functions in include/CIntrinsics.h); SwiftPM wants a source file.
#include "CIntrinsics.h"
