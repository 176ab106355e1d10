// Built on first use, then kept. zod rules are the case: building a vendor's take ~10 ms of a cold
// provider process, and the processes of a refresh never check Args (nor, served from notes, parse a response).

/** `build()`'s value, made by the first call and returned by every call after it. */
export function once<T>(build: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: build() }).value;
}
