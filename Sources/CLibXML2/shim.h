// The only C boundary for XML: libxml2's parser, SAX2 and error APIs.
#ifndef TRIALSEARCH_CLIBXML2_SHIM_H
#define TRIALSEARCH_CLIBXML2_SHIM_H
// Debian's libxml2 is built with ICU, so <libxml/encoding.h> would include <unicode/ucnv.h>, and the
// system ICU's types (UErrorCode, ...) would then clash with Foundation's bundled ICU (_FoundationICU) in
// every Swift module that sees both. The ICU parts of encoding.h are only the trailing converter fields
// of xmlCharEncodingHandler, which trialsearch never allocates or reads, so it hides them.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
