/** Files for people: quarantined rows, work lists, reports. Writing the same key again replaces it. */
export interface ObjectSink {
  putObject(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
}

/** Reads one object as a byte stream. */
export interface ObjectSource {
  openObject(key: string): AsyncIterable<Uint8Array>;
}
