package taskrunner.tasks.datapusher;

/**
 * A resource's file as a push downloaded it.
 *
 * @param blob        the blob holding the bytes; the push deletes it when it ends
 * @param size        bytes
 * @param md5         hex MD5 of the bytes (what CKAN keeps as the resource's {@code hash})
 * @param contentType the answer's media type without parameters, or "" if none was sent
 */
record Downloaded(String blob, long size, String md5, String contentType) {}
