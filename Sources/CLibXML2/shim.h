// libxml2's headers include the system's ICU headers when libxml2 was built with ICU (Debian's is).
// Foundation ships its own ICU under the same header names, and a Swift module that sees both
// (one importing Foundation and, through QonduitXML, this module) fails to compile with
// "'UErrorCode' has different definitions in different modules": how often depends on build order.
// Nothing Swift uses is ICU-specific (only xmlCharEncodingHandler's trailing uconv pointers are), so
// this module's view leaves ICU out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
