/**
 * Writes objects of the drop bucket for the ingest itself: the tables of a big zip drop
 * unpacked into a folder drop (shared/use-cases/steps/unpack-zip-drop.ts). Writing a key again
 * replaces the object.
 */
export interface DropStaging {
  /**
   * Streams `body` into the object `key` (multipart: never held whole, any size up to the
   * zip limit). Resolves to the bytes written once the object exists; throws, leaving no
   * object, when the body or the upload fails, or when `signal` aborts it.
   */
  writeStream(key: string, body: AsyncIterable<Uint8Array>, contentType: string, signal?: AbortSignal): Promise<number>;
  /** Writes a small object, with user metadata (keys in lower case). */
  write(key: string, body: Uint8Array, contentType: string, metadata?: Readonly<Record<string, string>>): Promise<void>;
  /** The user metadata of the object `key`, or undefined when there is no such object. */
  metadata(key: string): Promise<Readonly<Record<string, string>> | undefined>;
}
