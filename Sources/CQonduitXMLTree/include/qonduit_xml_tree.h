// Builds a flat element tree straight from libxml2's SAX2 events, in C: the per-event work is a few
// stores into growable arrays, which Swift could not match without paying for exclusivity checks,
// bounds checks and reference counting on every callback.
//
// The Swift target QonduitXML drives it and copies the result into its own XMLTree; no libxml2 type
// appears here, so importing this header pulls in none of libxml2's (or ICU's) headers.
#ifndef QONDUIT_XML_TREE_H
#define QONDUIT_XML_TREE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int32_t name;            // index into the name table
    int32_t ns;              // index into the name table, -1: no namespace
    int32_t first_child;     // -1: none
    int32_t last_child;
    int32_t next_sibling;
    int32_t line;
    int32_t text_start;      // the element's own text is text[text_start, text_end)
    int32_t text_end;
    int32_t text_namespace;  // a childless element whose text reads as a QName: its prefix's namespace, else -1
    int32_t first_attribute;
    int32_t attribute_count;
} qx_record;

typedef struct {
    int32_t name;
    int32_t ns;
    int32_t value_start;
    int32_t value_end;
} qx_attribute;

typedef enum {
    QX_OK = 0,
    QX_MALFORMED = 1,        // message and line from libxml2
    QX_DOCTYPE_REFUSED = 2,
    QX_TOO_DEEP = 3,
    QX_TOO_LARGE = 4,        // more elements or text than the tree's 32-bit indices hold
    QX_OUT_OF_MEMORY = 5,
} qx_status;

typedef struct qx_builder qx_builder;

/// A builder for parses on one thread at a time. NULL when memory is short.
qx_builder *qx_builder_create(void);
void qx_builder_free(qx_builder *builder);

/// This thread's builder, kept (with its arrays' capacity) between parses; NULL when memory is
/// short. Freed when the thread ends.
qx_builder *qx_builder_for_this_thread(void);
/// Lets go of the builder's arrays when a large document grew them past a few megabytes.
void qx_builder_trim(qx_builder *builder);

/// Parses `length` bytes. Any DOCTYPE stops the parse (no DTD, external entity or entity expansion
/// is ever processed), the network is never used, and elements may nest at most `max_depth` deep.
qx_status qx_parse(qx_builder *builder, const uint8_t *bytes, int32_t length, int32_t max_depth);

/// Hands over the last parse's records and text (either may be NULL when empty): the caller frees
/// them with free(). Saves copying them, the largest part of a tree.
void qx_take_result(qx_builder *builder, qx_record **records, int32_t *record_count, uint8_t **text, int32_t *text_count);
/// The rest of the last parse's result (valid until the next parse or free).
const qx_attribute *qx_attributes(const qx_builder *builder, int32_t *count);
/// Names and namespace URIs: name i is name_bytes[starts[i], starts[i + 1]). Names read from earlier
/// documents on the same thread may be among them, keeping their indices.
const uint8_t *qx_name_bytes(const qx_builder *builder, int32_t *count);
const int32_t *qx_name_starts(const qx_builder *builder, int32_t *name_count);
/// The names' hash table: `capacity` slots (a power of two), each 0 or a name's index + 1, placed by
/// FNV-1a (64-bit, folded as hash ^ hash >> 29) of the name's bytes and linear probing.
const int32_t *qx_name_slots(const qx_builder *builder, int32_t *capacity);
/// Numbers the builder's current set of names (see qx_name_starts): trees of the same epoch give
/// every name they share the same index.
uint64_t qx_names_epoch(const qx_builder *builder);
/// A memo for decoders, kept with the names: what index the name a decoder knows by `key` (the
/// address of its text) has in the names of `epoch`. qx_memo_get gives 1 and the index, -1 for a
/// name missing from a table of `name_count` names, or 0 when it knows nothing that applies.
int qx_memo_get(const qx_builder *builder, uint64_t epoch, int32_t name_count, const void *key, int32_t *index);
void qx_memo_put(qx_builder *builder, uint64_t epoch, int32_t name_count, const void *key, int32_t index);
/// The line where the parse stopped, 0 when unknown; and libxml2's message for QX_MALFORMED
/// (NUL-terminated, may be NULL).
int32_t qx_error_line(const qx_builder *builder);
const char *qx_error_message(const qx_builder *builder);

#endif
