// The only C boundary for XML: libxml2's parser, SAX2 and error APIs.
#ifndef TRIALSEARCH_CLIBXML2_SHIM_H
#define TRIALSEARCH_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
