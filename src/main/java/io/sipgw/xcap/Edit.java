package io.sipgw.xcap;

import org.w3c.dom.Document;

/**
 * A PUT or DELETE applied to a document in memory, not yet stored: the document as it would be
 * (null: the document goes), the status it earns (201 created, 200 replaced or removed) and what it
 * was, for the log.
 */
record Edit(Document document, int status, String what) { }
