// CPrefetch is header-only (static inline functions in include/CPrefetch.h); SwiftPM wants a source file.
#include "CPrefetch.h"
