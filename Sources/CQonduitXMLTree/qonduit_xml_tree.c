#include "qonduit_xml_tree.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// MARK: Growable arrays

typedef struct {
    void *items;
    int32_t count;
    int32_t capacity;
} qx_array;

// Room for `more` items of `size` bytes; 0 when memory is short or the count would pass 2^30.
static int qx_reserve(qx_array *array, int32_t more, size_t size) {
    int64_t needed = (int64_t)array->count + more;
    if (needed <= array->capacity) return 1;
    if (needed > (1 << 30)) return 0;
    int64_t capacity = array->capacity < 16 ? 16 : array->capacity;
    while (capacity < needed) capacity *= 2;
    void *items = realloc(array->items, (size_t)capacity * size);
    if (items == NULL) return 0;
    array->items = items;
    array->capacity = (int32_t)capacity;
    return 1;
}

#define QX_AT(array, type, index) (((type *)(array).items)[index])

// MARK: Builder

typedef struct {
    const xmlChar *prefix;  // libxml2's interned prefix; NULL: the default namespace
    int32_t uri;            // name index; -1: undeclared by xmlns=""
} qx_binding;

struct qx_builder {
    qx_array records;       // qx_record
    // The records and text of the last document are handed to the caller (qx_take_result); the next
    // parse starts with room for as many as that one had.
    int32_t records_hint;
    int32_t text_hint;
    qx_array attributes;    // qx_attribute
    qx_array text;          // uint8_t
    qx_array name_bytes;    // uint8_t
    qx_array name_starts;   // int32_t, one more than there are names
    // Names by libxml2 address (its dictionary gives each name one address) and by text (in case
    // it ever gives two): open addressing, slot values are index + 1. The names outlive a parse, so
    // that the next document's names are found by address at once and keep their indices; they are
    // only valid with the dictionary they were read from (the context `context_epoch` numbers).
    const xmlChar **address_keys;
    int32_t *address_values;
    int32_t address_capacity;
    int32_t address_count;
    int32_t *text_slots;
    int32_t text_capacity;
    uint64_t context_epoch;
    // Numbers this set of names: new whenever they are forgotten. Trees carry it, so that what a
    // decoder learnt of one tree's names can serve the next tree of the same epoch.
    uint64_t names_epoch;
    // What decoders learnt (qx_memo_get/put): a key (the address of a name they ask for) to its
    // index, or to -1 for a name missing when there were memo_stamps[slot] names. Open addressing.
    const void **memo_keys;
    int32_t *memo_values;
    int32_t *memo_stamps;
    int32_t memo_capacity;
    int32_t memo_count;

    qx_array open;          // int32_t: records of the elements open here, outermost first
    qx_array binding_marks; // int32_t: where each open element's declarations start in `bindings`
    qx_array bindings;      // qx_binding
    // The text run being read, when it has content, starts at text[run_start]; white space read
    // before any content waits in `pending_blank` (indentation is most of a document's text).
    int32_t run_start;
    int run_has_content;
    qx_array pending_blank; // uint8_t

    int32_t max_depth;
    // Text never legitimately outgrows the document; only mixed content, which is copied, could.
    int32_t max_text;
    qx_status status;
    int32_t error_line;
    char *error_message;
};

qx_builder *qx_builder_create(void) {
    return calloc(1, sizeof(qx_builder));
}

void qx_builder_free(qx_builder *builder) {
    if (builder == NULL) return;
    qx_array *arrays[] = {
        &builder->records, &builder->attributes, &builder->text, &builder->name_bytes, &builder->name_starts,
        &builder->open, &builder->binding_marks, &builder->bindings, &builder->pending_blank,
    };
    for (size_t index = 0; index < sizeof(arrays) / sizeof(arrays[0]); index++) free(arrays[index]->items);
    free(builder->address_keys);
    free(builder->address_values);
    free(builder->text_slots);
    free(builder->memo_keys);
    free(builder->memo_values);
    free(builder->memo_stamps);
    free(builder->error_message);
    free(builder);
}

static void qx_reset(qx_builder *builder, int32_t max_depth) {
    if (builder->records.items == NULL && builder->records_hint > 0) qx_reserve(&builder->records, builder->records_hint, sizeof(qx_record));
    if (builder->text.items == NULL && builder->text_hint > 0) qx_reserve(&builder->text, builder->text_hint, 1);
    builder->records.count = 0;
    builder->attributes.count = 0;
    builder->text.count = 0;
    builder->open.count = 0;
    builder->binding_marks.count = 0;
    builder->bindings.count = 0;
    builder->pending_blank.count = 0;
    builder->run_start = 0;
    builder->run_has_content = 0;
    builder->max_depth = max_depth;
    builder->status = QX_OK;
    builder->error_line = 0;
    free(builder->error_message);
    builder->error_message = NULL;
}

// Numbers contexts and sets of names across all threads, so that a number never comes back (a new
// context may sit at a freed one's address). Only ever incremented, atomically.
static _Atomic uint64_t qx_last_epoch;

static void qx_forget_memo(qx_builder *builder) {
    builder->memo_count = 0;
    if (builder->memo_keys != NULL) memset(builder->memo_keys, 0, sizeof(void *) * (size_t)builder->memo_capacity);
}

// Forgets every name (their indices start again from 0), and what was learnt of them.
static void qx_forget_names(qx_builder *builder) {
    builder->names_epoch = ++qx_last_epoch;
    qx_forget_memo(builder);
    builder->name_bytes.count = 0;
    builder->name_starts.count = 0;
    builder->address_count = 0;
    if (builder->address_keys != NULL) memset(builder->address_keys, 0, sizeof(xmlChar *) * (size_t)builder->address_capacity);
    if (builder->text_slots != NULL) memset(builder->text_slots, 0, sizeof(int32_t) * (size_t)builder->text_capacity);
}

// Stops the parse with `status` (the first reason wins).
static void qx_stop(xmlParserCtxtPtr context, qx_builder *builder, qx_status status) {
    if (builder->status == QX_OK) {
        builder->status = status;
        builder->error_line = context->input != NULL ? context->input->line : 0;
    }
    xmlStopParser(context);
}

static int qx_append_bytes(qx_array *array, const uint8_t *bytes, int32_t count) {
    if (count <= 0) return 1;
    if (!qx_reserve(array, count, 1)) return 0;
    memcpy((uint8_t *)array->items + array->count, bytes, (size_t)count);
    array->count += count;
    return 1;
}

// MARK: Names

static uint32_t qx_hash_text(const uint8_t *bytes, int32_t count) {
    uint64_t hash = 0xCBF29CE484222325ULL;
    for (int32_t index = 0; index < count; index++) hash = (hash ^ bytes[index]) * 0x100000001B3ULL;
    return (uint32_t)(hash ^ (hash >> 29));
}

static uint32_t qx_hash_address(const void *address) {
    // Fibonacci hashing: an address's low bits are alignment and carry no information.
    return (uint32_t)(((uint64_t)(uintptr_t)address * 0x9E3779B97F4A7C15ULL) >> 32);
}

static int32_t qx_name_count(const qx_builder *builder) {
    return builder->name_starts.count == 0 ? 0 : builder->name_starts.count - 1;
}

// Frees the name tables and puts these (NULL and 0: none) in their place.
static void qx_replace_name_tables(
    qx_builder *builder, int32_t *text_slots, const xmlChar **address_keys, int32_t *address_values, int32_t capacity
) {
    free(builder->text_slots);
    free(builder->address_keys);
    free(builder->address_values);
    builder->text_slots = text_slots;
    builder->address_keys = address_keys;
    builder->address_values = address_values;
    builder->text_capacity = capacity;
    builder->address_capacity = capacity;
}

// Doubles both tables when they would pass half full; 0 when memory is short.
static int qx_grow_name_tables(qx_builder *builder) {
    int32_t names = qx_name_count(builder);
    int32_t used = names > builder->address_count ? names : builder->address_count;
    if ((used + 1) * 2 <= builder->text_capacity) return 1;
    int32_t capacity = builder->text_capacity == 0 ? 128 : builder->text_capacity * 2;
    int32_t *text_slots = calloc((size_t)capacity, sizeof(int32_t));
    const xmlChar **address_keys = calloc((size_t)capacity, sizeof(xmlChar *));
    int32_t *address_values = calloc((size_t)capacity, sizeof(int32_t));
    if (text_slots == NULL || address_keys == NULL || address_values == NULL) {
        free(text_slots);
        free(address_keys);
        free(address_values);
        return 0;
    }
    const int32_t *starts = builder->name_starts.items;
    const uint8_t *bytes = builder->name_bytes.items;
    for (int32_t index = 0; index < names; index++) {
        uint32_t slot = qx_hash_text(bytes + starts[index], starts[index + 1] - starts[index]) & (uint32_t)(capacity - 1);
        while (text_slots[slot] != 0) slot = (slot + 1) & (uint32_t)(capacity - 1);
        text_slots[slot] = index + 1;
    }
    for (int32_t slot = 0; slot < builder->address_capacity; slot++) {
        const xmlChar *key = builder->address_keys[slot];
        if (key == NULL) continue;
        uint32_t target = qx_hash_address(key) & (uint32_t)(capacity - 1);
        while (address_keys[target] != NULL) target = (target + 1) & (uint32_t)(capacity - 1);
        address_keys[target] = key;
        address_values[target] = builder->address_values[slot];
    }
    qx_replace_name_tables(builder, text_slots, address_keys, address_values, capacity);
    return 1;
}

// The name index of `name` (NUL-terminated, interned by libxml2); -2 when memory is short.
static int32_t qx_intern(qx_builder *builder, const xmlChar *name) {
    if (builder->address_capacity > 0) {
        uint32_t mask = (uint32_t)builder->address_capacity - 1;
        for (uint32_t slot = qx_hash_address(name) & mask; builder->address_keys[slot] != NULL; slot = (slot + 1) & mask) {
            if (builder->address_keys[slot] == name) return builder->address_values[slot];
        }
    }
    if (!qx_grow_name_tables(builder)) return -2;
    int32_t length = (int32_t)strlen((const char *)name);
    uint32_t text_mask = (uint32_t)builder->text_capacity - 1;
    uint32_t slot = qx_hash_text(name, length) & text_mask;
    int32_t index = -1;
    for (; builder->text_slots[slot] != 0; slot = (slot + 1) & text_mask) {
        int32_t candidate = builder->text_slots[slot] - 1;
        const int32_t *starts = builder->name_starts.items;
        if (starts[candidate + 1] - starts[candidate] == length
            && memcmp((const uint8_t *)builder->name_bytes.items + starts[candidate], name, (size_t)length) == 0) {
            index = candidate;
            break;
        }
    }
    if (index < 0) {
        if (builder->name_starts.count == 0) {
            if (!qx_reserve(&builder->name_starts, 1, sizeof(int32_t))) return -2;
            QX_AT(builder->name_starts, int32_t, builder->name_starts.count++) = 0;
        }
        if (!qx_append_bytes(&builder->name_bytes, name, length) || !qx_reserve(&builder->name_starts, 1, sizeof(int32_t))) return -2;
        index = builder->name_starts.count - 1;
        QX_AT(builder->name_starts, int32_t, builder->name_starts.count++) = builder->name_bytes.count;
        builder->text_slots[slot] = index + 1;
    }
    uint32_t mask = (uint32_t)builder->address_capacity - 1;
    uint32_t target = qx_hash_address(name) & mask;
    while (builder->address_keys[target] != NULL) target = (target + 1) & mask;
    builder->address_keys[target] = name;
    builder->address_values[target] = index;
    builder->address_count++;
    return index;
}

// MARK: Text

static int qx_is_space(uint8_t byte) { return byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D; }

// Ends the current text run: comments, processing instructions and elements separate runs, and a
// run that is only white space (indentation) means nothing.
static qx_status qx_flush_run(qx_builder *builder) {
    builder->pending_blank.count = 0;
    if (!builder->run_has_content) return QX_OK;
    builder->run_has_content = 0;
    if (builder->open.count == 0) return QX_OK;
    qx_record *record = &QX_AT(builder->records, qx_record, QX_AT(builder->open, int32_t, builder->open.count - 1));
    if (record->text_end == record->text_start) {
        record->text_start = builder->run_start;
    } else if (record->text_end != builder->run_start) {
        // Mixed content (text, an element, more text): the element's text so far and this run are
        // written again, together, at the end; the bytes they leave behind are never read.
        int32_t earlier = record->text_end - record->text_start;
        int32_t run = builder->text.count - builder->run_start;
        if ((int64_t)builder->text.count + earlier + run > builder->max_text) return QX_TOO_LARGE;
        if (!qx_reserve(&builder->text, earlier + run, 1)) return QX_OUT_OF_MEMORY;
        uint8_t *text = builder->text.items;
        int32_t start = builder->text.count;
        memcpy(text + start, text + record->text_start, (size_t)earlier);
        memcpy(text + start + earlier, text + builder->run_start, (size_t)run);
        builder->text.count += earlier + run;
        record->text_start = start;
    }
    record->text_end = builder->text.count;
    return QX_OK;
}

// Ends the text run, or stops the parse when that cannot be done.
static int qx_flush_or_stop(xmlParserCtxtPtr context, qx_builder *builder) {
    qx_status status = qx_flush_run(builder);
    if (status == QX_OK) return 1;
    qx_stop(context, builder, status);
    return 0;
}

static int qx_is_letter(uint8_t byte) { return (byte | 0x20) >= 'a' && (byte | 0x20) <= 'z'; }

// The XML Namespaces rules for names, on ASCII (YANG identities are ASCII).
static int qx_is_ncname(const uint8_t *bytes, int32_t count) {
    if (count == 0 || !(qx_is_letter(bytes[0]) || bytes[0] == '_')) return 0;
    for (int32_t index = 0; index < count; index++) {
        uint8_t byte = bytes[index];
        if (!(qx_is_letter(byte) || (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_')) return 0;
    }
    return 1;
}

// The namespace a QName-shaped text's prefix is bound to here, or -1 for other text.
static int32_t qx_qualified_name_namespace(const qx_builder *builder, int32_t start, int32_t end) {
    const uint8_t *text = builder->text.items;
    while (start < end && qx_is_space(text[start])) start++;
    while (end > start && qx_is_space(text[end - 1])) end--;
    int32_t colon = start;
    while (colon < end && text[colon] != ':') colon++;
    int has_prefix = colon < end;
    int32_t local_start = has_prefix ? colon + 1 : start;
    if (!qx_is_ncname(text + local_start, end - local_start)) return -1;
    if (has_prefix && !qx_is_ncname(text + start, colon - start)) return -1;
    // The innermost declaration of the prefix wins.
    for (int32_t index = builder->bindings.count - 1; index >= 0; index--) {
        const qx_binding *binding = &QX_AT(builder->bindings, qx_binding, index);
        if (!has_prefix) {
            if (binding->prefix == NULL) return binding->uri;
            continue;
        }
        if (binding->prefix == NULL) continue;
        int32_t length = colon - start;
        if (strncmp((const char *)binding->prefix, (const char *)text + start, (size_t)length) == 0 && binding->prefix[length] == 0) {
            return binding->uri;
        }
    }
    return -1;
}

// MARK: SAX2 events

static qx_builder *qx_builder_of(void *context) {
    return ((xmlParserCtxtPtr)context)->_private;
}

static void qx_start_element(
    void *context, const xmlChar *local_name, const xmlChar *prefix, const xmlChar *uri,
    int namespace_count, const xmlChar **namespaces, int attribute_count, int defaulted, const xmlChar **attributes
) {
    (void)prefix;
    (void)defaulted;
    xmlParserCtxtPtr parser = context;
    qx_builder *builder = qx_builder_of(context);
    if (builder->open.count + 1 > builder->max_depth) {
        qx_stop(parser, builder, QX_TOO_DEEP);
        return;
    }
    if (builder->records.count >= (1 << 30) - 1 || builder->text.count > builder->max_text) {
        qx_stop(parser, builder, QX_TOO_LARGE);
        return;
    }
    if (!qx_flush_or_stop(parser, builder)) return;
    if (builder->records.count == 0 && parser->input != NULL && parser->input->buf != NULL && parser->input->buf->encoder == NULL) {
        // The root element: the XML declaration has been read, and with no encoding to convert from,
        // the whole document is already in the buffer. Without a read callback, libxml2's many checks
        // for more input return at once instead of calling one that has nothing to give.
        parser->input->buf->readcallback = NULL;
    }
    if (!qx_reserve(&builder->binding_marks, 1, sizeof(int32_t))
        || !qx_reserve(&builder->bindings, namespace_count, sizeof(qx_binding))
        || !qx_reserve(&builder->records, 1, sizeof(qx_record))
        || !qx_reserve(&builder->open, 1, sizeof(int32_t))
        || !qx_reserve(&builder->attributes, attribute_count, sizeof(qx_attribute))) {
        qx_stop(parser, builder, QX_OUT_OF_MEMORY);
        return;
    }
    QX_AT(builder->binding_marks, int32_t, builder->binding_marks.count++) = builder->bindings.count;
    for (int index = 0; index < namespace_count; index++) {
        const xmlChar *href = namespaces[2 * index + 1];
        // xmlns="" undeclares the default namespace.
        int32_t declared = href == NULL || href[0] == 0 ? -1 : qx_intern(builder, href);
        if (declared == -2) {
            qx_stop(parser, builder, QX_OUT_OF_MEMORY);
            return;
        }
        qx_binding *binding = &QX_AT(builder->bindings, qx_binding, builder->bindings.count++);
        binding->prefix = namespaces[2 * index];
        binding->uri = declared;
    }
    qx_record record = {
        .name = qx_intern(builder, local_name), .ns = uri == NULL ? -1 : qx_intern(builder, uri),
        .first_child = -1, .last_child = -1, .next_sibling = -1,
        .line = parser->input != NULL ? parser->input->line : 0,
        .text_start = 0, .text_end = 0, .text_namespace = -1,
        .first_attribute = builder->attributes.count, .attribute_count = 0,
    };
    if (record.name == -2 || record.ns == -2) {
        qx_stop(parser, builder, QX_OUT_OF_MEMORY);
        return;
    }
    for (int index = 0; index < attribute_count; index++) {
        // localname, prefix, URI, value start, value end
        const xmlChar *name = attributes[5 * index], *value = attributes[5 * index + 3], *value_end = attributes[5 * index + 4];
        if (name == NULL || value == NULL || value_end == NULL) continue;
        int32_t length = (int32_t)(value_end - value);
        if (!qx_reserve(&builder->text, length, 1)) {
            qx_stop(parser, builder, QX_OUT_OF_MEMORY);
            return;
        }
        qx_attribute attribute = {
            .name = qx_intern(builder, name),
            .ns = attributes[5 * index + 2] == NULL ? -1 : qx_intern(builder, attributes[5 * index + 2]),
            .value_start = builder->text.count,
        };
        if (attribute.name == -2 || attribute.ns == -2) {
            qx_stop(parser, builder, QX_OUT_OF_MEMORY);
            return;
        }
        // SAX2 hands values over with entities replaced, except that each `&` is written `&#38;`
        // (for a tree builder to expand later): expanded here.
        uint8_t *text = builder->text.items;
        for (int32_t at = 0; at < length;) {
            text[builder->text.count++] = value[at];
            at += value[at] == '&' ? 5 : 1;
        }
        attribute.value_end = builder->text.count;
        QX_AT(builder->attributes, qx_attribute, builder->attributes.count++) = attribute;
        record.attribute_count++;
    }
    int32_t index = builder->records.count;
    if (builder->open.count > 0) {
        qx_record *parent = &QX_AT(builder->records, qx_record, QX_AT(builder->open, int32_t, builder->open.count - 1));
        if (parent->last_child >= 0) {
            QX_AT(builder->records, qx_record, parent->last_child).next_sibling = index;
        } else {
            parent->first_child = index;
        }
        parent->last_child = index;
    }
    QX_AT(builder->records, qx_record, builder->records.count++) = record;
    QX_AT(builder->open, int32_t, builder->open.count++) = index;
}

static void qx_end_element(void *context, const xmlChar *local_name, const xmlChar *prefix, const xmlChar *uri) {
    (void)local_name;
    (void)prefix;
    (void)uri;
    qx_builder *builder = qx_builder_of(context);
    if (!qx_flush_or_stop(context, builder)) return;
    if (builder->open.count == 0 || builder->binding_marks.count == 0) return;
    qx_record *record = &QX_AT(builder->records, qx_record, QX_AT(builder->open, int32_t, --builder->open.count));
    int32_t mark = QX_AT(builder->binding_marks, int32_t, --builder->binding_marks.count);
    if (record->first_child < 0 && record->text_end > record->text_start) {
        record->text_namespace = qx_qualified_name_namespace(builder, record->text_start, record->text_end);
    }
    builder->bindings.count = mark;
}

static void qx_characters(void *context, const xmlChar *bytes, int count) {
    qx_builder *builder = qx_builder_of(context);
    if (builder->open.count == 0 || count <= 0) return;
    if (!builder->run_has_content) {
        int blank = 1;
        for (int index = 0; index < count && blank; index++) blank = qx_is_space(bytes[index]);
        if (blank) {
            if (!qx_append_bytes(&builder->pending_blank, bytes, count)) qx_stop(context, builder, QX_OUT_OF_MEMORY);
            return;
        }
        builder->run_has_content = 1;
        builder->run_start = builder->text.count;
        if (!qx_append_bytes(&builder->text, builder->pending_blank.items, builder->pending_blank.count)) {
            qx_stop(context, builder, QX_OUT_OF_MEMORY);
            return;
        }
        builder->pending_blank.count = 0;
    }
    if (!qx_append_bytes(&builder->text, bytes, count)) qx_stop(context, builder, QX_OUT_OF_MEMORY);
}

static void qx_separator(void *context) {
    qx_flush_or_stop(context, qx_builder_of(context));
}

static void qx_comment(void *context, const xmlChar *value) {
    (void)value;
    qx_separator(context);
}

static void qx_processing_instruction(void *context, const xmlChar *target, const xmlChar *data) {
    (void)target;
    (void)data;
    qx_separator(context);
}

// Any DOCTYPE stops the parser, so no DTD, external entity or entity expansion is ever processed.
static void qx_internal_subset(void *context, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id) {
    (void)name;
    (void)external_id;
    (void)system_id;
    qx_stop(context, qx_builder_of(context), QX_DOCTYPE_REFUSED);
}

// MARK: Per-thread state

// Each thread keeps one libxml2 parser context and one builder, and resets them between documents,
// as lxml does with its parser contexts: making a context (its dictionary, buffers and tables) and
// growing the builder's arrays again cost about a fifth of parsing a small document. A cache, not
// shared state: both are only ever used by the thread that holds them, and a parse depends on
// nothing a previous one left behind (xmlCtxtReset and qx_reset clear it all) but the builder's
// names, which decide only which index each name gets.
typedef struct {
    xmlParserCtxtPtr context;
    // Which context this is: a builder's names are valid only with the dictionary they came from.
    uint64_t context_epoch;
    qx_builder *builder;
} qx_thread_state;

static pthread_key_t qx_thread_key;
static pthread_once_t qx_thread_key_once = PTHREAD_ONCE_INIT;

static void qx_free_thread_state(void *pointer) {
    qx_thread_state *state = pointer;
    if (state->context != NULL) xmlFreeParserCtxt(state->context);
    qx_builder_free(state->builder);
    free(state);
}

static void qx_make_thread_key(void) { pthread_key_create(&qx_thread_key, qx_free_thread_state); }

static qx_thread_state *qx_this_thread(void) {
    pthread_once(&qx_thread_key_once, qx_make_thread_key);
    qx_thread_state *state = pthread_getspecific(qx_thread_key);
    if (state != NULL) return state;
    state = calloc(1, sizeof(qx_thread_state));
    if (state == NULL) return NULL;
    if (pthread_setspecific(qx_thread_key, state) != 0) {
        free(state);
        return NULL;
    }
    return state;
}

qx_builder *qx_builder_for_this_thread(void) {
    qx_thread_state *state = qx_this_thread();
    if (state == NULL) return NULL;
    if (state->builder == NULL) state->builder = qx_builder_create();
    return state->builder;
}

// A context's dictionary keeps every name it has seen: past this many, the context is replaced, so
// that a stream of documents with ever new names cannot grow it without bound. A builder that
// grew for a large document lets its arrays go for the same reason.
// Names kept between documents are bounded in the same way.
enum { QX_MAX_DICTIONARY_NAMES = 4096, QX_MAX_KEPT_NAMES = 1024, QX_MAX_KEPT_BUILDER_BYTES = 4 << 20 };

static xmlParserCtxtPtr qx_thread_context(uint64_t *epoch) {
    qx_thread_state *state = qx_this_thread();
    if (state == NULL) return NULL;
    if (state->context != NULL && (state->context->dict == NULL || xmlDictSize(state->context->dict) > QX_MAX_DICTIONARY_NAMES)) {
        xmlFreeParserCtxt(state->context);
        state->context = NULL;
    }
    if (state->context == NULL) {
        state->context = xmlNewParserCtxt();
        state->context_epoch = ++qx_last_epoch;
    }
    *epoch = state->context_epoch;
    return state->context;
}

void qx_builder_trim(qx_builder *builder) {
    size_t bytes = (size_t)builder->records.capacity * sizeof(qx_record) + (size_t)builder->text.capacity
        + (size_t)builder->attributes.capacity * sizeof(qx_attribute) + (size_t)builder->name_bytes.capacity
        + (size_t)builder->text_capacity * (2 * sizeof(int32_t) + sizeof(xmlChar *));
    if (bytes <= QX_MAX_KEPT_BUILDER_BYTES) return;
    qx_replace_name_tables(builder, NULL, NULL, NULL, 0);
    builder->names_epoch = 0;  // the names go with the arrays: the next parse forgets them all (qx_forget_names)
    qx_array *arrays[] = {&builder->records, &builder->attributes, &builder->text, &builder->name_bytes, &builder->name_starts, &builder->pending_blank};
    for (size_t index = 0; index < sizeof(arrays) / sizeof(arrays[0]); index++) {
        free(arrays[index]->items);
        arrays[index]->items = NULL;
        arrays[index]->count = 0;
        arrays[index]->capacity = 0;
    }
}

// MARK: Memo

uint64_t qx_names_epoch(const qx_builder *builder) { return builder->names_epoch; }

int qx_memo_get(const qx_builder *builder, uint64_t epoch, int32_t name_count, const void *key, int32_t *index) {
    if (epoch != builder->names_epoch || builder->memo_capacity == 0) return 0;
    uint32_t mask = (uint32_t)builder->memo_capacity - 1;
    for (uint32_t slot = qx_hash_address(key) & mask; builder->memo_keys[slot] != NULL; slot = (slot + 1) & mask) {
        if (builder->memo_keys[slot] != key) continue;
        // A name learnt absent may have come since; one learnt from a later tree is not in an earlier one.
        if (builder->memo_values[slot] < 0 ? builder->memo_stamps[slot] != name_count : builder->memo_values[slot] >= name_count) return 0;
        *index = builder->memo_values[slot];
        return 1;
    }
    return 0;
}

// Decoders ask for a fixed set of names; past this many keys the memo starts again.
enum { QX_MAX_MEMO_KEYS = 1024 };

// Doubles the memo's table; 0 when memory is short.
static int qx_grow_memo(qx_builder *builder) {
    int32_t capacity = builder->memo_capacity == 0 ? 256 : builder->memo_capacity * 2;
    const void **keys = calloc((size_t)capacity, sizeof(void *));
    int32_t *values = malloc(sizeof(int32_t) * (size_t)capacity), *stamps = malloc(sizeof(int32_t) * (size_t)capacity);
    if (keys == NULL || values == NULL || stamps == NULL) {
        free(keys);
        free(values);
        free(stamps);
        return 0;
    }
    for (int32_t slot = 0; slot < builder->memo_capacity; slot++) {
        const void *old = builder->memo_keys[slot];
        if (old == NULL) continue;
        uint32_t target = qx_hash_address(old) & (uint32_t)(capacity - 1);
        while (keys[target] != NULL) target = (target + 1) & (uint32_t)(capacity - 1);
        keys[target] = old;
        values[target] = builder->memo_values[slot];
        stamps[target] = builder->memo_stamps[slot];
    }
    free(builder->memo_keys);
    free(builder->memo_values);
    free(builder->memo_stamps);
    builder->memo_keys = keys;
    builder->memo_values = values;
    builder->memo_stamps = stamps;
    builder->memo_capacity = capacity;
    return 1;
}

void qx_memo_put(qx_builder *builder, uint64_t epoch, int32_t name_count, const void *key, int32_t index) {
    if (epoch != builder->names_epoch || key == NULL) return;
    if ((builder->memo_count + 1) * 2 > builder->memo_capacity) {
        if (builder->memo_count >= QX_MAX_MEMO_KEYS) {
            qx_forget_memo(builder);
        } else if (!qx_grow_memo(builder)) {
            return;
        }
    }
    uint32_t mask = (uint32_t)builder->memo_capacity - 1;
    uint32_t slot = qx_hash_address(key) & mask;
    while (builder->memo_keys[slot] != NULL && builder->memo_keys[slot] != key) slot = (slot + 1) & mask;
    if (builder->memo_keys[slot] == NULL) builder->memo_count++;
    builder->memo_keys[slot] = key;
    builder->memo_values[slot] = index;
    builder->memo_stamps[slot] = name_count;
}

// MARK: Parse

qx_status qx_parse(qx_builder *builder, const uint8_t *bytes, int32_t length, int32_t max_depth) {
    qx_reset(builder, max_depth);
    builder->max_text = length > (1 << 28) ? (1 << 29) : 2 * length + 4096;
    uint64_t epoch = 0;
    xmlParserCtxtPtr context = qx_thread_context(&epoch);
    if (context == NULL) return builder->status = QX_OUT_OF_MEMORY;
    if (builder->context_epoch != epoch || builder->names_epoch == 0 || qx_name_count(builder) > QX_MAX_KEPT_NAMES) {
        qx_forget_names(builder);
        builder->context_epoch = epoch;
    }
    xmlCtxtReset(context);
    xmlParserInputBufferPtr buffer = xmlParserInputBufferCreateMem((const char *)bytes, length, XML_CHAR_ENCODING_NONE);
    xmlParserInputPtr input = buffer == NULL ? NULL : xmlNewIOInputStream(context, buffer, XML_CHAR_ENCODING_NONE);
    if (input == NULL) {
        if (buffer != NULL) xmlFreeParserInputBuffer(buffer);
        return builder->status = QX_OUT_OF_MEMORY;
    }
    inputPush(context, input);
    // These events replace libxml2's tree building; everything else (entities, DTD declarations)
    // stays unset.
    memset(context->sax, 0, sizeof(xmlSAXHandler));
    context->sax->initialized = XML_SAX2_MAGIC;
    context->sax->startElementNs = qx_start_element;
    context->sax->endElementNs = qx_end_element;
    context->sax->characters = qx_characters;
    context->sax->ignorableWhitespace = qx_characters;
    context->sax->cdataBlock = qx_characters;
    context->sax->comment = qx_comment;
    context->sax->processingInstruction = qx_processing_instruction;
    context->sax->internalSubset = qx_internal_subset;
    context->_private = builder;
    context->userData = context;
    xmlCtxtUseOptions(context, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
    xmlParseDocument(context);

    if (builder->status == QX_OK && (!context->wellFormed || builder->records.count == 0 || builder->open.count > 0)) {
        builder->status = QX_MALFORMED;
        builder->error_line = context->lastError.line;
        if (context->lastError.message != NULL) builder->error_message = strdup(context->lastError.message);
    }
    // Nothing of this document stays with the context: its input and the builder are let go now.
    while ((input = inputPop(context)) != NULL) xmlFreeInputStream(input);
    context->_private = NULL;
    return builder->status;
}

// MARK: Result

void qx_take_result(qx_builder *builder, qx_record **records, int32_t *record_count, uint8_t **text, int32_t *text_count) {
    *records = builder->records.items;
    *record_count = builder->records.count;
    *text = builder->text.items;
    *text_count = builder->text.count;
    builder->records_hint = builder->records.count;
    builder->text_hint = builder->text.count;
    builder->records = (qx_array){0};
    builder->text = (qx_array){0};
}

const qx_attribute *qx_attributes(const qx_builder *builder, int32_t *count) {
    *count = builder->attributes.count;
    return builder->attributes.items;
}


const uint8_t *qx_name_bytes(const qx_builder *builder, int32_t *count) {
    *count = builder->name_bytes.count;
    return builder->name_bytes.items;
}

const int32_t *qx_name_starts(const qx_builder *builder, int32_t *name_count) {
    *name_count = qx_name_count(builder);
    return builder->name_starts.items;
}

const int32_t *qx_name_slots(const qx_builder *builder, int32_t *capacity) {
    *capacity = builder->text_capacity;
    return builder->text_slots;
}

int32_t qx_error_line(const qx_builder *builder) { return builder->error_line; }

const char *qx_error_message(const qx_builder *builder) { return builder->error_message; }
