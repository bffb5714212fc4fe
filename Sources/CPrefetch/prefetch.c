// CPrefetch is header-only (static inline functions, inlined into Swift callers); SwiftPM
// wants one source file per C target.
#include "CPrefetch.h"
